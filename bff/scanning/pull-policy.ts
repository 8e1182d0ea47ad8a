import type { PullGuard } from "../core/access.ts";
import { RegistryError } from "../core/errors.ts";
import type { Db } from "../db/database.ts";
import { vulnerabilityMime } from "./scanning.ts";

const order = ["unknown", "low", "medium", "high", "critical"];
const label: Record<string, string> = {
	none: "None",
	low: "Low",
	medium: "Medium",
	high: "High",
	critical: "Critical",
};
/** How long a project's policy is trusted before it is read again: a change applies to pulls within 5 s. */
const ttlMs = 5_000;

type Policy = { prevent: boolean; severity: string; allowlist: Set<string> };

/**
 * Harbor's "prevent vulnerable images from running" (`prevent_vul` with `severity`): a pull of an artifact that was
 * never scanned, or whose report has vulnerabilities at or above the severity (`none`: any at all) that the CVE
 * allowlist in force does not exempt (the project's, or the system's with `reuse_sys_cve_allowlist`; an expired list
 * exempts nothing), is refused with Harbor's 412 and message. An index is judged by its children's reports.
 */
export function createPullPolicy(db: Db): PullGuard {
	const cache = new Map<number, { at: number; policy: Promise<Policy> }>();

	async function load(projectId: number): Promise<Policy> {
		const meta = Object.fromEntries(
			(
				await db
					.selectFrom("project_metadata")
					.select(["name", "value"])
					.where("project_id", "=", projectId)
					.where("name", "in", [
						"prevent_vul",
						"severity",
						"reuse_sys_cve_allowlist",
					])
					.execute()
			).map((r) => [r.name, r.value]),
		);
		if (meta.prevent_vul !== "true")
			return { prevent: false, severity: "low", allowlist: new Set() };
		const list = await db
			.selectFrom("cve_allowlists")
			.select(["items", "expires_at"])
			.where(
				"project_id",
				"=",
				meta.reuse_sys_cve_allowlist === "true" ? 0 : projectId,
			)
			.executeTakeFirst();
		const live =
			list &&
			(list.expires_at === null || Number(list.expires_at) > Date.now() / 1000);
		const items = live
			? (JSON.parse(list.items) as (string | { cve_id: string })[]).map((i) =>
					typeof i === "string" ? i : i.cve_id,
				)
			: [];
		return {
			prevent: true,
			severity: meta.severity ?? "low",
			allowlist: new Set(items),
		};
	}

	const policyOf = (projectId: number) => {
		let hit = cache.get(projectId);
		if (!hit || Date.now() - hit.at > ttlMs) {
			if (cache.size > 10_000) cache.clear();
			hit = { at: Date.now(), policy: load(projectId) };
			cache.set(projectId, hit);
			hit.policy.catch(() => cache.delete(projectId));
		}
		return hit.policy;
	};

	const guard = async (projectId: number, artifact: { id: number }) => {
		const p = await policyOf(projectId);
		if (!p.prevent) return;
		const rule = `'Prevent images with vulnerability severity of "${label[p.severity] ?? p.severity}" or higher from running.'`;
		const children = (
			await db
				.selectFrom("artifact_references")
				.select("child_id")
				.where("parent_id", "=", artifact.id)
				.execute()
		).map((r) => r.child_id);
		const judged = children.length ? children : [artifact.id];
		const reports = await db
			.selectFrom("scan_reports")
			.select(["artifact_id", "report"])
			.where("artifact_id", "in", judged)
			.where("mime_type", "=", vulnerabilityMime)
			.where("status", "=", "Success")
			.execute();
		if (new Set(reports.map((r) => r.artifact_id)).size < judged.length) {
			throw new RegistryError(
				"PROJECTPOLICYVIOLATION",
				`current image without vulnerability scanning cannot be pulled due to configured policy in ${rule} To continue with pull, please contact your project administrator for help.`,
			);
		}
		const floor =
			p.severity === "none" ? 0 : Math.max(order.indexOf(p.severity), 0);
		const found = new Set<string>();
		for (const r of reports) {
			for (const v of (
				JSON.parse(r.report!) as {
					vulnerabilities?: { id?: string; severity?: string }[];
				}
			).vulnerabilities ?? []) {
				const rank = order.indexOf((v.severity ?? "unknown").toLowerCase());
				if (Math.max(rank, 0) >= floor && !(v.id && p.allowlist.has(v.id)))
					found.add(v.id ?? `#${found.size}`);
			}
		}
		if (found.size > 0) {
			throw new RegistryError(
				"PROJECTPOLICYVIOLATION",
				`current image with "${found.size} vulnerabilities" cannot be pulled due to configured policy in ${rule} To continue with pull, please contact your project administrator to exempt matched vulnerabilities through configuring the CVE allowlist.`,
			);
		}
	};
	return guard;
}
