import {
	allowed,
	anonymous,
	type Principal,
	type ProjectStanding,
	systemAllowed,
} from "../../auth/policy.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { readSetting } from "../configurations/settings.ts";
import {
	type CveAllowlist,
	type CveAllowlistInput,
	checkedList,
	toCveAllowlist,
} from "../cve-allowlists/service.ts";
import type { CveAllowlistRow } from "../cve-allowlists/store.ts";
import type { ApiDeps } from "../deps.ts";
import {
	ApiError,
	badRequest,
	forbidden,
	notFound,
	unauthorized,
} from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { ProjectRow } from "../project-guard.ts";
import { unlimited } from "../quotas/store.ts";
import { registryJson } from "../registries/service.ts";
import { normalizeMetadata } from "./metadata.ts";
import { proxyEndpoint } from "./proxy-endpoint.ts";
import { createProjectStore, type ProjectRecord } from "./store.ts";
import { visibilityOf } from "./visibility.ts";

/** Harbor's project name rule (restrictedNameChars), 1 to 255 characters. */
const namePattern = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export type ProjectReq = {
	project_name?: string;
	public?: boolean | null;
	metadata?: Record<string, unknown> | null;
	cve_allowlist?: CveAllowlistInput | null;
	storage_limit?: number | null;
	registry_id?: number | null;
};

export function checkProjectName(name: string | undefined): string {
	if (!name) throw badRequest("project_name is required");
	if (name.length > 255)
		throw badRequest("project_name must be 1 to 255 characters long");
	if (!namePattern.test(name)) {
		throw badRequest(
			"project name is not in lower case or contains illegal characters: use lowercase letters and digits, " +
				'separated by single ".", "_" or "-", starting and ending with a letter or digit',
		);
	}
	return name;
}

/**
 * `metadata.public` wins over ProjectReq's `public`, which counts only when the metadata has none (Harbor's
 * CreateProject; its UpdateProject reads only the metadata). `public` is kept on the project row, not as metadata.
 */
function splitPublic(req: ProjectReq): {
	public?: boolean;
	metadata: Record<string, string>;
} {
	const { public: metaPublic, ...metadata } = normalizeMetadata(
		req.metadata ?? {},
	);
	const pub =
		metaPublic === undefined
			? (req.public ?? undefined)
			: metaPublic === "true";
	return { public: pub, metadata };
}

/** A project's CVE allowlist from a request: its `project_id` is left out, 0, or this project's (Harbor's UpdateProject). */
function allowlistOf(
	req: ProjectReq,
	projectId: number,
): CveAllowlist | undefined {
	const input = req.cve_allowlist;
	if (!input) return undefined;
	if (input.project_id && input.project_id !== projectId) {
		throw badRequest(
			`project_id in cve_allowlist must be ${projectId} but it's ${input.project_id}`,
		);
	}
	return checkedList(input);
}

/** Project rules: who sees and changes which project, name rules, deletion, summary, metadata. */
export function createProjectService(
	deps: Pick<ApiDeps, "db" | "audit" | "users" | "registries"> & {
		/** Gives proxy cache projects their default policy; replication, which makes only plain projects, has none. */
		retention?: Pick<ApiDeps["retention"], "proxyCacheDefault">;
	},
) {
	const store = createProjectStore(deps.db);

	/** Shapes Harbor's Project for one caller (its role, whether it may change the project). */
	function toProject(
		p: ProjectRecord,
		metadata: Record<string, string>,
		allowlist: CveAllowlistRow | undefined,
		role: number | undefined,
		principal: Principal,
	) {
		const standing: ProjectStanding = {
			id: p.id,
			public: p.public === 1,
			role: role ?? null,
		};
		return {
			project_id: p.id,
			owner_id: p.owner_id,
			name: p.name,
			// Harbor leaves it out for an ordinary project (omitempty on 0).
			...(p.registry_id ? { registry_id: p.registry_id } : {}),
			creation_time: p.creation_time,
			update_time: p.update_time,
			deleted: false,
			owner_name: p.owner_name ?? "",
			togglable: allowed(principal, standing, "project", "update"),
			current_user_role_id: role ?? 0,
			current_user_role_ids: role === undefined ? [] : [role],
			repo_count: p.repo_count,
			metadata: { ...metadata, public: p.public === 1 ? "true" : "false" },
			cve_allowlist: toCveAllowlist(p.id, allowlist),
		};
	}

	/** Projects with their metadata, CVE allowlists and the caller's roles, three queries per page whatever its size. */
	async function shape(rows: ProjectRecord[], principal: Principal) {
		const ids = rows.map((r) => r.id);
		const [metadata, allowlists, roleOf] = await Promise.all([
			store.metadataOf(ids),
			store.allowlists.ofProjects(ids),
			principal.kind === "user"
				? store.rolesOf(
						{ userId: principal.id, groupIds: principal.groupIds },
						ids,
					)
				: Promise.resolve(new Map<number, number>()),
		]);
		return rows.map((r) =>
			toProject(
				r,
				metadata.get(r.id) ?? {},
				allowlists.get(r.id),
				roleOf.get(r.id),
				principal,
			),
		);
	}

	async function record(id: number) {
		const p = await store.get(id);
		if (!p) throw notFound(`project ${id} not found`);
		return p;
	}

	return {
		store,
		shape,

		async list(
			principal: Principal | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const who = principal ?? anonymous;
			const { rows, total } = await store.list(
				visibilityOf(who),
				conditions,
				sort,
				limit,
				offset,
			);
			return { items: await shape(rows, who), total };
		},

		async get(project: ProjectRow, principal: Principal) {
			return (await shape([await record(project.id)], principal))[0];
		},

		exists: (name: string) => store.exists(name),

		/**
		 * Who may create follows `project_creation_restriction` (a robot needs a system grant). Only a system admin chooses
		 * the storage limit; other creators get `storage_per_project`, so a default limit cannot be side-stepped at creation.
		 */
		async create(
			principal: Principal | undefined,
			req: ProjectReq,
		): Promise<{ id: number; name: string }> {
			const who = principal ?? anonymous;
			if (who.kind === "anonymous") throw unauthorized();
			const admin = who.kind === "user" && who.sysadmin;
			if (who.kind === "robot" && !systemAllowed(who, "project", "create"))
				throw forbidden("this robot may not create projects");
			if (
				who.kind === "user" &&
				!admin &&
				(await readSetting(deps.db, "project_creation_restriction")) ===
					"adminonly"
			) {
				throw forbidden("only a system admin may create projects");
			}
			const name = checkProjectName(req.project_name);
			const registryId = req.registry_id
				? await proxyEndpoint(deps.registries, who, req.registry_id)
				: undefined;
			const asked = admin ? (req.storage_limit ?? 0) : 0;
			if (asked < unlimited)
				throw badRequest(
					"storage_limit must be -1 (unlimited) or a number of bytes",
				);
			const storageLimit =
				asked === 0 ? await readSetting(deps.db, "storage_per_project") : asked;
			const { public: pub, metadata } = splitPublic(req);
			// Harbor drops a list sent at creation (the Terraform provider sends it again with a PUT); Wharf keeps it.
			const allowlist = req.cve_allowlist
				? checkedList(req.cve_allowlist)
				: undefined;
			// A robot owns nothing: its projects belong to the admin, as in Harbor.
			const ownerId =
				who.kind === "user" ? who.id : (await deps.users.byName("admin"))!.id;
			let id: number;
			try {
				id = await store.create({
					name,
					ownerId,
					public: pub ?? false,
					metadata,
					allowlist,
					storageLimit,
					registryId,
				});
			} catch (e) {
				if (isUniqueViolation(e))
					throw new ApiError(
						"CONFLICT",
						`The project named ${name} already exists`,
					);
				throw e;
			}
			deps.audit.record({
				project: name,
				projectId: id,
				operator: who.name,
				resource: name,
				resourceType: "project",
				operation: "create",
			});
			// A proxy cache expires what is not pulled: Harbor's default retention policy, 7 days since the last pull.
			if (registryId) await deps.retention?.proxyCacheDefault(id);
			return { id, name };
		},

		/**
		 * Sets `public`, metadata and the CVE allowlist (a list given replaces the whole list, as Harbor); the name and
		 * storage limit do not change here (quotas have their own API).
		 */
		async update(project: ProjectRow, req: ProjectReq, operator: string) {
			const change = {
				...splitPublic(req),
				allowlist: allowlistOf(req, project.id),
			};
			await store.update(project.id, change);
			deps.audit.record({
				project: project.name,
				projectId: project.id,
				operator,
				resource: project.name,
				resourceType: "project",
				operation: "update",
			});
		},

		async deletable(
			project: ProjectRow,
		): Promise<{ deletable: boolean; message?: string }> {
			const p = await record(project.id);
			return p.repo_count > 0
				? {
						deletable: false,
						message: "the project contains repositories, can not be deleted",
					}
				: { deletable: true };
		},

		async remove(project: ProjectRow, operator: string) {
			const check = await this.deletable(project);
			if (!check.deletable) throw new ApiError("PRECONDITION", check.message!);
			await store.remove(project.id);
			deps.audit.record({
				project: project.name,
				projectId: project.id,
				operator,
				resource: project.name,
				resourceType: "project",
				operation: "delete",
			});
		},

		/** Member counts need the right to list members and the quota the right to read it, as Harbor's summary. */
		async summary(
			project: ProjectRow,
			principal: Principal,
			standing: ProjectStanding,
		) {
			const p = await record(project.id);
			const summary: Record<string, unknown> = { repo_count: p.repo_count };
			if (allowed(principal, standing, "member", "list")) {
				const counts = await store.memberCounts(project.id);
				Object.assign(summary, {
					project_admin_count: counts.get(1) ?? 0,
					maintainer_count: counts.get(4) ?? 0,
					developer_count: counts.get(2) ?? 0,
					guest_count: counts.get(3) ?? 0,
					limited_guest_count: counts.get(5) ?? 0,
				});
			}
			if (allowed(principal, standing, "quota", "read")) {
				const [hard, used] = await Promise.all([
					store.quotas.hardLimit(project.id),
					store.quotas.used(project.id),
				]);
				summary.quota = { hard: { storage: hard }, used: { storage: used } };
			}
			// The upstream a proxy cache pulls through (Harbor's summary `registry`), with its secret masked as everywhere.
			if (p.registry_id)
				summary.registry = registryJson(
					await deps.registries.get(p.registry_id),
				);
			return summary;
		},

		// ---- metadata
		async metadata(project: ProjectRow): Promise<Record<string, string>> {
			const rows = (await store.metadataOf([project.id])).get(project.id) ?? {};
			return { ...rows, public: project.public === 1 ? "true" : "false" };
		},

		/** POST: adds keys not set yet (a set key is a 409; `public` is always set). */
		async addMetadata(
			project: ProjectRow,
			body: Record<string, unknown>,
			operator: string,
		) {
			const values = normalizeMetadata(body);
			const current = await this.metadata(project);
			const taken = Object.keys(values).find((k) => current[k] !== undefined);
			if (taken)
				throw new ApiError(
					"CONFLICT",
					`metadata ${taken} already exists in project ${project.name}`,
				);
			await this.update(project, { metadata: values }, operator);
		},

		/** PUT /metadatas/{name}: the body holds exactly that key. */
		async setMetadata(
			project: ProjectRow,
			name: string,
			body: Record<string, unknown>,
			operator: string,
		) {
			const keys = Object.keys(body);
			if (keys.length !== 1 || keys[0] !== name)
				throw badRequest(`the body must hold exactly one key, ${name}`);
			await this.update(
				project,
				{ metadata: normalizeMetadata(body) },
				operator,
			);
		},

		/** Deleting `public` makes the project private (Harbor reads a missing `public` as false). */
		async deleteMetadata(project: ProjectRow, name: string, operator: string) {
			const current = await this.metadata(project);
			if (current[name] === undefined)
				throw notFound(`metadata ${name} not found in project ${project.name}`);
			if (name === "public") await store.update(project.id, { public: false });
			else await store.update(project.id, { remove: [name] });
			deps.audit.record({
				project: project.name,
				projectId: project.id,
				operator,
				resource: project.name,
				resourceType: "project",
				operation: "update",
			});
		},
	};
}

export type ProjectService = ReturnType<typeof createProjectService>;
