import {
	type Expression,
	type ExpressionBuilder,
	type SqlBool,
	sql,
} from "kysely";
import { anonymous, type Principal, robotProjects } from "../../auth/policy.ts";
import { type Member, membersOf } from "../../db/membership.ts";
import type { Database } from "../../db/schema.ts";

/**
 * Which projects a caller may see, in a form SQL can filter on: the policy's `canSeeProject` for a whole list. A user
 * sees public projects and those it is a member of; a robot those it holds grants in; anonymous the public ones.
 */
export type ProjectVisibility =
	| { all: true }
	| {
			all: false;
			publicProjects: boolean;
			member?: Member;
			projectIds?: number[];
	  };

export function visibilityOf(
	principal: Principal | undefined,
): ProjectVisibility {
	const p = principal ?? anonymous;
	if (p.kind === "user")
		return p.sysadmin
			? { all: true }
			: {
					all: false,
					publicProjects: true,
					member: { userId: p.id, groupIds: p.groupIds },
				};
	if (p.kind === "robot") {
		const ids = robotProjects(p.permissions);
		return ids === "all"
			? { all: true }
			: { all: false, publicProjects: false, projectIds: ids };
	}
	return { all: false, publicProjects: true };
}

/** The SQL condition on `projects` for a visibility. */
export function visibleProjects(
	eb: ExpressionBuilder<Database, "projects">,
	v: ProjectVisibility,
): Expression<SqlBool> {
	if (v.all) return sql<SqlBool>`1 = 1`;
	const any: Expression<SqlBool>[] = [];
	if (v.publicProjects) any.push(eb("projects.public", "=", 1));
	const { member } = v;
	if (member)
		any.push(
			eb(
				"projects.id",
				"in",
				eb
					.selectFrom("members")
					.select("members.project_id")
					.where((m) => membersOf(m, member)),
			),
		);
	if (v.projectIds?.length) any.push(eb("projects.id", "in", v.projectIds));
	return any.length ? eb.or(any) : sql<SqlBool>`1 = 0`;
}
