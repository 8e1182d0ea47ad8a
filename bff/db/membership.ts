import type { Expression, ExpressionBuilder, SqlBool } from "kysely";
import type { Database } from "./schema.ts";

/** Who a membership may name: a user, and the user groups they are in. */
export type Member = { userId: number; groupIds?: number[] };

/** The SQL condition on `members` rows that make `m` a member: their own, and those of their groups. */
export function membersOf(
	eb: ExpressionBuilder<Database, "members">,
	m: Member,
): Expression<SqlBool> {
	const own = eb.and([
		eb("members.entity_type", "=", "u"),
		eb("members.entity_id", "=", m.userId),
	]);
	if (!m.groupIds?.length) return own;
	return eb.or([
		own,
		eb.and([
			eb("members.entity_type", "=", "g"),
			eb("members.entity_id", "in", m.groupIds),
		]),
	]);
}
