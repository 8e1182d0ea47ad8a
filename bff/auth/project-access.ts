import type { Db } from "../db/database.ts";
import { type Member, membersOf } from "../db/membership.ts";
import {
	type Principal,
	type ProjectStanding,
	registryActionAllowed,
	roles,
	strongestRole,
} from "./policy.ts";

/** Looks up where a principal stands in a project (public flag, member role), for the policy to judge. */
export function createProjectAccess(db: Db) {
	async function standing(
		principal: Principal,
		projectName: string,
	): Promise<ProjectStanding | null> {
		const project = await db
			.selectFrom("projects")
			.select(["id", "public", "name"])
			.where("name", "=", projectName)
			.executeTakeFirst();
		return project ? standingIn(principal, project) : null;
	}
	/** Where the principal stands in a project row already at hand. */
	async function standingIn(
		principal: Principal,
		project: { id: number; public: number },
	): Promise<ProjectStanding> {
		return (await standingsIn(principal, [project])).get(project.id)!;
	}
	/** Where the principal stands in each of several project rows: one membership query for them all. */
	async function standingsIn(
		principal: Principal,
		projects: { id: number; public: number }[],
	): Promise<Map<number, ProjectStanding>> {
		const held = new Map<number, number[]>();
		// Robots hold no membership: only their grants (by project id) count. A user is a member themselves and through
		// the user groups their last sign-in found; the highest of those roles is theirs.
		if (principal.kind === "user" && projects.length) {
			const rows = await db
				.selectFrom("members")
				.select(["project_id", "role"])
				.where(
					"project_id",
					"in",
					projects.map((p) => p.id),
				)
				.where((eb) =>
					membersOf(eb, { userId: principal.id, groupIds: principal.groupIds }),
				)
				.execute();
			for (const r of rows)
				held.set(r.project_id, [...(held.get(r.project_id) ?? []), r.role]);
		}
		return new Map(
			projects.map((p) => [
				p.id,
				{
					id: p.id,
					public: p.public === 1,
					role: strongestRole(held.get(p.id) ?? []),
				},
			]),
		);
	}
	const projectOf = (repository: string) => repository.split("/")[0];
	const columns = ["id", "name", "public"] as const;
	return {
		standing,
		standingIn,
		standingsIn,
		projectById: (id: number) =>
			db
				.selectFrom("projects")
				.select(columns)
				.where("id", "=", id)
				.executeTakeFirst(),
		projectsByIds: (ids: number[]) =>
			ids.length
				? db
						.selectFrom("projects")
						.select(columns)
						.where("id", "in", ids)
						.execute()
				: Promise.resolve([]),
		projectNamed: (name: string) =>
			db
				.selectFrom("projects")
				.select(columns)
				.where("name", "=", name)
				.executeTakeFirst(),
		/** Whether the user is ProjectAdmin of at least one project, themselves or through a group (who may see the grantable robot permissions). */
		administersAnyProject: async (member: Member) =>
			!!(await db
				.selectFrom("members")
				.select("id")
				.where((eb) => membersOf(eb, member))
				.where("role", "=", roles.projectAdmin)
				.executeTakeFirst()),
		/** May the principal do this registry action (`pull`, `push`, `delete`) on the repository? */
		async registryAllowed(
			principal: Principal,
			repository: string,
			action: string,
		): Promise<boolean> {
			return registryActionAllowed(
				principal,
				await standing(principal, projectOf(repository)),
				action,
			);
		},
	};
}

export type ProjectAccess = ReturnType<typeof createProjectAccess>;
