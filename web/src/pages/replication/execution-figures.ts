import type { ReplicationExecution } from "../../api/replication.ts";

/** How long an execution or task took, or has taken so far (`now` while it runs): `45s`, `3m 05s`, `2h 01m`. */
export function duration(
	start: string | null | undefined,
	end: string | null | undefined,
	now = Date.now(),
): string | null {
	if (!start || start.startsWith("0001-")) return null;
	const from = Date.parse(start);
	const to = end && !end.startsWith("0001-") ? Date.parse(end) : now;
	if (Number.isNaN(from) || Number.isNaN(to)) return null;
	const s = Math.max(0, Math.round((to - from) / 1000));
	const pad = (n: number) => String(n).padStart(2, "0");
	if (s < 60) return `${s}s`;
	if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
	return `${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
}

/** The share of an execution's tasks that succeeded, in whole percent; none while it has no tasks. */
export const successRate = (
	e: Pick<ReplicationExecution, "total" | "succeed">,
): number | null =>
	e.total > 0 ? Math.floor((e.succeed / e.total) * 100) : null;
