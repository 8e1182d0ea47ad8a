import { z } from "zod";
import type { Db } from "../db/database.ts";
import type { Jobs } from "../jobs/jobs.ts";
import { createRunHistory } from "../jobs/runs/history.ts";
import { registerRunJob } from "../jobs/runs/run-job.ts";
import { createSystemSchedule } from "../jobs/runs/schedule.ts";
import { auditEventTypeNames } from "./event-types.ts";
import {
	createPurgeStore,
	type EventTypeRows,
	type PurgeStore,
} from "./purge-store.ts";

export const purgeJobType = "PURGE_AUDIT_LOG";

/** Harbor's groups every event type its list does not name as `other`. */
export const otherEventTypes = "other";

const names = (message: string) =>
	z
		.string()
		.max(4096)
		.default("")
		.transform((s) =>
			s
				.split(",")
				.map((t) => t.trim().toLowerCase())
				.filter(Boolean),
		)
		.refine((l) => l.every((t) => /^[a-z_]+$/.test(t)), { message });

/**
 * Harbor's purge parameters: rows older than `audit_retention_hour` hours whose event type (`<operation>_<resource_type>`,
 * or `other` for the types Harbor does not list) is in `include_event_types` go; empty, nothing goes (as Harbor's
 * swagger says). Before 2.13 Harbor named operations instead (`include_operations`: create,delete,pull), still read.
 */
export const purgeParameters = z
	.object({
		audit_retention_hour: z
			.union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
			.pipe(
				z
					.number()
					.int()
					.min(1, "audit_retention_hour must be 1 hour or more")
					.max(
						1_000_000,
						"audit_retention_hour must be at most 1,000,000 hours",
					),
			)
			.default(24 * 30),
		include_event_types: names(
			"include_event_types must be event types separated by commas (e.g. create_artifact,pull_artifact)",
		),
		include_operations: names(
			"include_operations must be operations separated by commas (e.g. create,delete,pull)",
		).optional(),
		dry_run: z.boolean().default(false),
	})
	.transform((p) => ({
		audit_retention_hour: p.audit_retention_hour,
		include_event_types: p.include_event_types.join(","),
		...(p.include_operations?.length
			? { include_operations: p.include_operations.join(",") }
			: {}),
		dry_run: p.dry_run,
	}));

export type PurgeParameters = z.output<typeof purgeParameters>;

export type PurgeResult = {
	deleted: number;
	byEventType: Record<string, number>;
};

const chunkRows = 1000;

/** The operations whose rows may match these event types: `a_b_c` is operation `a` or `a_b` (the rows tell which). */
function operationsOf(eventTypes: string[]): string[] {
	return [
		...new Set(
			eventTypes.flatMap((t) =>
				[...t.matchAll(/_/g)].map((m) => t.slice(0, m.index)),
			),
		),
	];
}

/**
 * One purge. The rows to go are counted first per event type (what a dry run reports), then deleted type by type in
 * chunks of 1,000 by id, oldest first; a stop lands between chunks and leaves a consistent log (what is left stays).
 */
export async function purgeAuditLog(
	deps: {
		store: PurgeStore;
		log(line: string): Promise<void>;
		progress(percent: number): Promise<void>;
		signal: AbortSignal;
	},
	params: PurgeParameters,
	result: PurgeResult = { deleted: 0, byEventType: {} },
): Promise<PurgeResult> {
	const { store, log, signal } = deps;
	const dry = params.dry_run;
	const cutoff = new Date(
		Date.now() - params.audit_retention_hour * 3600_000,
	).toISOString();
	const types = new Set(params.include_event_types.split(",").filter(Boolean));
	const operations = new Set(
		(params.include_operations ?? "").split(",").filter(Boolean),
	);
	const known = new Set<string>(auditEventTypeNames);
	const wanted = (t: EventTypeRows) =>
		types.has(t.eventType) ||
		operations.has(t.operation) ||
		(types.has(otherEventTypes) && !known.has(t.eventType));

	await log(
		`${dry ? "dry run: nothing is deleted. " : ""}audit log rows older than ${params.audit_retention_hour} h (before ${cutoff}) of event types: ${
			[...types, ...[...operations].map((o) => `${o}_*`)].join(", ") || "none"
		}`,
	);
	if (types.size === 0 && operations.size === 0) {
		await log("no event type is included: nothing to purge");
		await deps.progress(100);
		return result;
	}
	// `other` is every type Harbor does not list: only a walk of every operation finds them.
	const candidates = types.has(otherEventTypes)
		? null
		: [...new Set([...operationsOf([...types]), ...operations])];
	const matching = (await store.eventTypes(cutoff, candidates))
		.filter(wanted)
		.sort((a, b) => a.eventType.localeCompare(b.eventType));
	const total = matching.reduce((n, t) => n + t.rows, 0);
	for (const t of matching)
		await log(
			`${t.eventType}: ${t.rows} ${t.rows === 1 ? "row" : "rows"}${dry ? " would be deleted" : ""}`,
		);

	if (dry) {
		for (const t of matching)
			result.byEventType[t.eventType] =
				(result.byEventType[t.eventType] ?? 0) + t.rows;
		result.deleted = total;
	} else {
		for (const t of matching) {
			for (let from = "", n = 1; n > 0; ) {
				const chunk = await store.deleteChunk(t, cutoff, from, chunkRows);
				n = chunk.deleted;
				from = chunk.next;
				result.deleted += n;
				if (n)
					result.byEventType[t.eventType] =
						(result.byEventType[t.eventType] ?? 0) + n;
				await deps.progress(
					Math.min(99, Math.floor((100 * result.deleted) / Math.max(1, total))),
				);
				if (signal.aborted)
					throw signal.reason instanceof Error
						? signal.reason
						: new Error("stopped");
			}
		}
	}
	await log(
		`${dry ? "would delete" : "deleted"} ${dry ? total : result.deleted} audit log rows`,
	);
	await deps.progress(100);
	return result;
}

/** The audit-log purge wired from its parts (the composition root calls this once): its job type, history and schedule. */
export function createAuditPurge(deps: { db: Db; jobs: Jobs }) {
	const store = createPurgeStore(deps.db);
	const history = createRunHistory(deps.db, deps.jobs, "purge_runs");
	const schedule = createSystemSchedule<PurgeParameters>(
		deps.db,
		deps.jobs.schedules,
		purgeJobType,
	);
	registerRunJob({
		jobs: deps.jobs,
		type: purgeJobType,
		history,
		parameters: purgeParameters,
		noun: "audit log purge",
		stoppedNote:
			"the rows deleted so far are gone; the next run deletes the rest",
		emptyResult: (): PurgeResult => ({ deleted: 0, byEventType: {} }),
		run: async (ctx, params, result) => {
			await purgeAuditLog(
				{
					store,
					log: (l) => ctx.log(l),
					progress: (p) => ctx.progress(p),
					signal: ctx.signal,
				},
				params,
				result,
			);
		},
		counts: (r) => ({
			deleted: r.deleted,
			by_event_type: JSON.stringify(r.byEventType),
		}),
	});
	return { store, history, schedule, jobs: deps.jobs, jobType: purgeJobType };
}

export type AuditPurge = ReturnType<typeof createAuditPurge>;
