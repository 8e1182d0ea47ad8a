import type { LdapConfig } from "../../auth/ldap.ts";
import { describe, ldap } from "../../auth/ldap.ts";
import { type Principal, type RoleId, roleNames } from "../../auth/policy.ts";
import {
	createUserGroupStore,
	groupTypes,
	type UserGroupRow,
} from "../../auth/user-groups.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { createMemberStore, type MemberRecord } from "./store.ts";

/** Harbor's member_group: an existing group by id, or one named by its LDAP DN or its name and type. */
export type MemberGroup = {
	id?: number;
	group_name?: string;
	group_type?: number;
	ldap_group_dn?: string;
};

/** Harbor's ProjectMemberEntity. */
const entity = (m: MemberRecord) => ({
	id: m.id,
	project_id: m.project_id,
	entity_name: m.entity_name ?? "",
	entity_type: m.entity_type,
	entity_id: m.entity_id,
	role_id: m.role,
	role_name: roleNames[m.role as RoleId] ?? "",
});

type Project = { id: number; name: string };

/** The rules of the `member` tag, inside a project the router has already authorized. */
export function createMembersService(deps: {
	db: Db;
	audit: AuditSink;
	ldapConfig?: () => Promise<LdapConfig>;
}) {
	const store = createMemberStore(deps.db);
	const groups = createUserGroupStore(deps.db);
	/**
	 * The group a member_group names. By id it must exist. An LDAP group by DN is added to the user groups when the
	 * directory has it (Harbor onboards it so); an HTTP or OIDC group by name is added as named.
	 */
	async function groupOf(g: MemberGroup): Promise<UserGroupRow> {
		if (g.id !== undefined) {
			const found = await groups.byId(g.id);
			if (!found) throw notFound(`user group ${g.id} not found`);
			return found;
		}
		if (g.ldap_group_dn || g.group_type === groupTypes.ldap) {
			const dn = g.ldap_group_dn ?? "";
			if (!dn)
				throw badRequest(
					"member_group: an LDAP group is named by ldap_group_dn",
				);
			const known = await groups.byDn(dn);
			if (known) return known;
			const cfg = await deps.ldapConfig?.();
			const inDirectory = cfg?.url
				? await ldap.searchGroups(cfg, { dn }).catch((e: unknown) => {
						throw new ApiError("UNKNOWN", `LDAP: ${describe(e)}`);
					})
				: [];
			if (!inDirectory.length) throw notFound(`LDAP group ${dn} not found`);
			await groups.populateLdap([inDirectory[0].dn]);
			const made = (await groups.byDn(dn))!;
			if (g.group_name || inDirectory[0].name)
				await groups.rename(made.id, g.group_name || inDirectory[0].name);
			return (await groups.byId(made.id))!;
		}
		if (
			!g.group_name ||
			(g.group_type !== groupTypes.http && g.group_type !== groupTypes.oidc)
		) {
			throw badRequest(
				"member_group needs an id, an ldap_group_dn, or a group_name with group_type 2 (HTTP) or 3 (OIDC)",
			);
		}
		const existing = await groups.byName(g.group_type, g.group_name);
		if (existing) return existing;
		await groups
			.create({
				group_name: g.group_name,
				group_type: g.group_type,
				ldap_group_dn: "",
			})
			.catch(() => {});
		return (await groups.byName(g.group_type, g.group_name))!;
	}
	const audit = (
		actor: Principal,
		project: Project,
		name: string,
		operation: string,
	) =>
		deps.audit.record({
			project: project.name,
			operator: actor.name,
			resource: `${project.name}/${name}`,
			resourceType: "member",
			operation,
		});
	const mustFind = async (project: Project, id: number) => {
		const m = await store.byId(project.id, id);
		if (!m) throw notFound(`member ${id} not found in project ${project.name}`);
		return m;
	};
	/** A new membership of a user ('u') or group ('g'); 409 when it is a member already. */
	async function add(
		actor: Principal,
		project: Project,
		type: "u" | "g",
		entityId: number,
		name: string,
		role: number,
	): Promise<number> {
		const conflict = () =>
			new ApiError(
				"CONFLICT",
				`${type === "g" ? "group " : ""}${name} is already a member of project ${project.name}`,
			);
		if (await store.membership(project.id, type, entityId)) throw conflict();
		try {
			const id = await store.add(project.id, type, entityId, role);
			audit(actor, project, name, "create");
			return id;
		} catch (e) {
			if (isUniqueViolation(e)) throw conflict();
			throw e;
		}
	}
	return {
		async list(
			project: Project,
			entityName: string | undefined,
			limit: number,
			offset: number,
		) {
			const { rows, total } = await store.list(
				project.id,
				entityName,
				limit,
				offset,
			);
			return { items: rows.map(entity), total };
		},
		get: async (project: Project, id: number) =>
			entity(await mustFind(project, id)),

		async addUser(
			actor: Principal,
			project: Project,
			user: { user_id?: number; username?: string },
			role: number,
		): Promise<number> {
			let q = deps.db.selectFrom("users").select(["id", "username"]);
			q =
				user.user_id !== undefined
					? q.where("id", "=", user.user_id)
					: q.where("username", "=", user.username ?? "");
			const found = await q.executeTakeFirst();
			if (!found)
				throw notFound(`user ${user.user_id ?? user.username} not found`);
			return add(actor, project, "u", found.id, found.username, role);
		},
		async addGroup(
			actor: Principal,
			project: Project,
			g: MemberGroup,
			role: number,
		): Promise<number> {
			const group = await groupOf(g);
			return add(actor, project, "g", group.id, group.group_name, role);
		},
		async setRole(
			actor: Principal,
			project: Project,
			id: number,
			role: number,
		) {
			const m = await mustFind(project, id);
			await store.setRole(id, role);
			audit(actor, project, m.entity_name ?? String(m.entity_id), "update");
		},
		async remove(actor: Principal, project: Project, id: number) {
			const m = await mustFind(project, id);
			await store.remove(id);
			audit(actor, project, m.entity_name ?? String(m.entity_id), "delete");
		},
	};
}
