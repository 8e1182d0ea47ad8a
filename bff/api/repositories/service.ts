import { type Principal, robotProjects } from "../../auth/policy.ts";
import type { AuditSink } from "../../core/access.ts";
import { ImmutableTagError } from "../../core/errors.ts";
import type { ManifestService } from "../../core/manifests.ts";
import type { RepositoryRef } from "../../core/uploads.ts";
import { now } from "../../db/database.ts";
import { ApiError } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type {
	RepositoryRow,
	RepositoryStore,
	RepositoryVisibility,
} from "./store.ts";

/** The `Repository` model as Harbor writes it: `name` is the full `project/repo`. */
export const repositoryJson = (r: RepositoryRow) => ({
	id: r.id,
	project_id: r.project_id,
	name: r.name,
	description: r.description,
	artifact_count: r.artifact_count,
	pull_count: Number(r.pull_count),
	creation_time: r.creation_time,
	update_time: r.update_time,
});

/**
 * Whose repositories `GET /repositories` shows: everything to a system admin; public projects and the user's own
 * memberships (every role may list repositories) to a user; public ones to anonymous; a robot its granted projects.
 */
export function visibilityOf(p: Principal): RepositoryVisibility {
	if (p.kind === "user")
		return p.sysadmin
			? { all: true }
			: {
					all: false,
					publicProjects: true,
					member: { userId: p.id, groupIds: p.groupIds },
				};
	if (p.kind === "anonymous") return { all: false, publicProjects: true };
	const ids = robotProjects(p.permissions, {
		resource: "repository",
		action: "list",
	});
	return ids === "all"
		? { all: true }
		: { all: false, publicProjects: false, projectIds: ids };
}

export function createRepositoryService(deps: {
	store: RepositoryStore;
	audit: AuditSink;
	manifests: Pick<ManifestService, "refuseDeletingRepository">;
}) {
	const { store } = deps;
	return {
		list: (
			scope: { projectId: number } | RepositoryVisibility,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) => store.list(scope, conditions, sort, limit, offset),
		get: (projectId: number, name: string) => store.get(projectId, name),
		updateDescription: (id: number, description: string) =>
			store.updateDescription(id, description, now()),
		/** Deletes the repository with its artifacts and tags, and records it; refused (412) while it holds an immutable tag. */
		async remove(repo: RepositoryRef, project: string, operator: string) {
			try {
				await deps.manifests.refuseDeletingRepository(repo);
			} catch (e) {
				throw e instanceof ImmutableTagError
					? new ApiError("PRECONDITION", e.message)
					: e;
			}
			await store.remove(repo.id);
			deps.audit.record({
				project,
				operator,
				resource: repo.name,
				resourceType: "repository",
				operation: "delete",
			});
		},
	};
}
