import { anonymous, type Principal } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { unauthorized } from "../errors.ts";
import type { ProjectService } from "../projects/service.ts";
import { visibilityOf } from "../projects/visibility.ts";
import { createQuotaStore } from "../quotas/store.ts";
import { createSearchStore } from "./store.ts";

/** Results per kind: search answers a search box, not an export (Harbor returns every match; lists page instead). */
export const searchLimit = 100;

/** Search and statistics, each limited to what the caller may see. */
export function createSearchService(
	deps: Pick<ApiDeps, "db">,
	projects: ProjectService,
) {
	const store = createSearchStore(deps.db);
	const quotas = createQuotaStore(deps.db);
	return {
		async search(principal: Principal | undefined, q: string) {
			const who = principal ?? anonymous;
			const visibility = visibilityOf(who);
			const [project, repository] = await Promise.all([
				projects
					.list(
						who,
						[{ key: "name", op: "fuzzy", value: q }],
						[],
						searchLimit,
						0,
					)
					.then((r) => r.items),
				store.repositories(visibility, q, searchLimit),
			]);
			return { project, repository };
		},

		/** Harbor's statistic: totals and storage only for a system admin; others count what they see. */
		async statistic(principal: Principal | undefined) {
			const who = principal ?? anonymous;
			if (who.kind === "anonymous") throw unauthorized();
			const visibility = visibilityOf(who);
			const c = await store.counts(visibility);
			const admin = who.kind === "user" && who.sysadmin;
			return {
				private_project_count: c.privateProjects,
				private_repo_count: c.privateRepositories,
				public_project_count: c.publicProjects,
				public_repo_count: c.publicRepositories,
				total_project_count: admin ? c.privateProjects + c.publicProjects : 0,
				total_repo_count: admin
					? c.privateRepositories + c.publicRepositories
					: 0,
				total_storage_consumption: admin ? await quotas.totalStorage() : 0,
			};
		},
	};
}
