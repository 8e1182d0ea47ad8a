import type { Db } from "../../db/database.ts";
import type { ArtifactEvent } from "../../events/artifact-events.ts";
import type { ProjectEvent } from "../../events/project-events.ts";
import type { EventType } from "./event-types.ts";
import type { HookPayload } from "./payload-formats.ts";

export type PayloadProject = { id: number; name: string; public: number };

const unix = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const repoType = (p: PayloadProject) => (p.public === 1 ? "public" : "private");

export const artifactEventType: Record<ArtifactEvent["type"], EventType> = {
	push: "PUSH_ARTIFACT",
	pull: "PULL_ARTIFACT",
	delete: "DELETE_ARTIFACT",
};

/** Harbor's `repository` of a payload: the path after the project, the project, the full name, public or private. */
function repository(full: string, project: PayloadProject, created?: string) {
	return {
		...(created ? { date_created: unix(created) } : {}),
		name: full.slice(project.name.length + 1),
		namespace: project.name,
		repo_full_name: full,
		repo_type: repoType(project),
	};
}

/**
 * A push, pull or deletion as Harbor's payload: one resource, named by the first tag (else the digest), its URL on
 * this registry's host (`host/project/repo:tag`, or `@digest`).
 */
export function artifactPayload(
	ev: ArtifactEvent,
	project: PayloadProject,
	host: string,
	repositoryCreated?: string,
): HookPayload {
	const reference = ev.tags[0] ?? ev.digest;
	return {
		type: artifactEventType[ev.type],
		occur_at: unix(ev.occurredAt),
		operator: ev.operator,
		event_data: {
			resources: [
				{
					digest: ev.digest,
					tag: reference,
					resource_url: `${host}/${ev.repository}${ev.tags[0] ? `:${reference}` : `@${reference}`}`,
				},
			],
			repository: repository(ev.repository, project, repositoryCreated),
		},
	};
}

/** QUOTA_EXCEED or QUOTA_WARNING as Harbor's payload: the repository pushed to, and the details in custom_attributes. */
export function quotaPayload(
	ev: Extract<ProjectEvent, { type: "quota_exceed" | "quota_warning" }>,
	project: PayloadProject,
	repositoryName: string | undefined,
): HookPayload {
	const full = repositoryName ?? `${project.name}/`;
	return {
		type: ev.type === "quota_exceed" ? "QUOTA_EXCEED" : "QUOTA_WARNING",
		occur_at: unix(ev.occurredAt),
		operator: ev.operator,
		event_data: {
			...(ev.digest
				? {
						resources: [
							{ digest: ev.digest, ...(ev.tag ? { tag: ev.tag } : {}) },
						],
					}
				: {}),
			repository: repository(full, project),
			custom_attributes: { Details: ev.details },
		},
	};
}

/**
 * A retention execution that ended, as Harbor's TAG_RETENTION payload: what it looked at and kept, and each artifact it
 * deleted as `repository:tag` (or `@digest` when untagged).
 */
export function retentionPayload(
	ev: Extract<ProjectEvent, { type: "retention" }>,
	project: PayloadProject,
	host: string,
): HookPayload {
	return {
		type: "TAG_RETENTION",
		occur_at: unix(ev.occurredAt),
		operator: ev.trigger,
		event_data: {
			retention: {
				total: ev.total,
				retained: ev.retained,
				hostname: host,
				project_name: project.name,
				retention_policy_id: ev.policyId,
				result: ev.status === "Succeed" ? "SUCCESS" : ev.status.toUpperCase(),
				deleted_artifact: ev.deleted.map((d) => ({
					type: "image",
					status: "SUCCESS",
					name_tag: d.tags.length
						? `${d.repository}:${d.tags.join(",")}`
						: `${d.repository}@${d.digest}`,
				})),
			},
		},
	};
}

/** Harbor's job statuses in a REPLICATION payload. */
const jobStatus = {
	Succeed: "Success",
	Failed: "Error",
	Stopped: "Stopped",
} as const;

/**
 * A replication execution that ended, as Harbor's REPLICATION payload, once per local project it copied from (push)
 * or into (pull): the policy, both ends, and the artifacts that succeeded or failed there.
 */
export async function replicationPayloads(
	db: Db,
	ev: Extract<ProjectEvent, { type: "replication" }>,
	externalUrl: string,
): Promise<{ project: string; payload: HookPayload }[]> {
	const e = await db
		.selectFrom("replication_executions")
		.selectAll()
		.where("id", "=", ev.executionId)
		.executeTakeFirst();
	if (!e) return [];
	const p = await db
		.selectFrom("replication_policies")
		.selectAll()
		.where("id", "=", e.policy_id)
		.executeTakeFirst();
	if (!p) return [];
	const remoteId = (p.dest_registry_id ?? p.src_registry_id)!;
	const remote = await db
		.selectFrom("registries")
		.select(["name", "url", "type", "credential_type"])
		.where("id", "=", remoteId)
		.executeTakeFirst();
	const tasks = await db
		.selectFrom("replication_tasks")
		.select([
			"id",
			"status",
			"resource_type",
			"src_resource",
			"dst_resource",
			"src_repository",
			"dst_repository",
			"digest",
			"status_text",
		])
		.where("execution_id", "=", e.id)
		.orderBy("id")
		.limit(1000)
		.execute();
	const push = p.dest_registry_id !== null;
	const byProject = new Map<string, typeof tasks>();
	for (const t of tasks) {
		const local = (push ? t.src_repository : t.dst_repository).split("/")[0];
		if (local) byProject.set(local, [...(byProject.get(local) ?? []), t]);
	}
	const host = new URL(externalUrl).hostname;
	const afterProject = (resource: string) =>
		resource.slice(resource.indexOf("/") + 1);
	const out: { project: string; payload: HookPayload }[] = [];
	for (const [project, mine] of byProject) {
		const remoteNamespace = (
			push ? mine[0].dst_repository : mine[0].src_repository
		).split("/")[0];
		const remoteRes = {
			registry_name: remote?.name ?? "",
			registry_type: remote?.type ?? "",
			endpoint: remote?.url ?? "",
			namespace: remoteNamespace,
		};
		const localRes = {
			registry_type: "harbor",
			endpoint: externalUrl,
			namespace: project,
		};
		const info = (t: (typeof tasks)[number]) => ({
			type: t.resource_type,
			status: t.status,
			name_tag: afterProject(push ? t.src_resource : t.dst_resource),
			references: [t.digest],
			...(t.status === "Failed" && t.status_text
				? { fail_reason: t.status_text }
				: {}),
		});
		const succeeded = mine.filter((t) => t.status === "Succeed").map(info);
		const failed = mine.filter((t) => t.status !== "Succeed").map(info);
		out.push({
			project,
			payload: {
				type: "REPLICATION",
				occur_at: unix(ev.occurredAt),
				operator: "",
				event_data: {
					replication: {
						harbor_hostname: host,
						job_status: jobStatus[ev.status],
						...(p.description ? { description: p.description } : {}),
						artifact_type: mine[0].resource_type,
						authentication_type: remote?.credential_type ?? "",
						override_mode: p.override === 1,
						trigger_type: e.trigger,
						execution_timestamp: unix(e.start_time),
						src_resource: push ? localRes : remoteRes,
						dest_resource: push ? remoteRes : localRes,
						...(succeeded.length ? { successful_artifact: succeeded } : {}),
						...(failed.length ? { failed_artifact: failed } : {}),
						execution_id: e.id,
					},
				},
			},
		});
	}
	return out;
}
