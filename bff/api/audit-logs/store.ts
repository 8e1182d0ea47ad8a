import type { Db } from "../../db/database.ts";
import { type Member, membersOf } from "../../db/membership.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import { badRequest } from "../errors.ts";
import {
	type Condition,
	queryTimeToIso,
	type SortKey,
} from "../harbor-query.ts";

export const auditQueryKeys = [
	"operation",
	"resource",
	"resource_type",
	"username",
	"op_time",
] as const;
/** Only keys an index leads with (0001: op_time, operation+op_time, username+op_time; id is the key), so a page of a million rows stays an index walk. */
export const auditSortKeys = [
	"op_time",
	"id",
	"operation",
	"username",
] as const;

/** Whose logs a caller sees: all, the rows of some projects (by id), or of every project (not system events). */
export type AuditScope =
	| { kind: "all" }
	| { kind: "projects"; ids: number[] }
	| { kind: "any-project" };

type TextKey = Exclude<(typeof auditQueryKeys)[number], "op_time">;

/** SQL for the audit log; every filter the console offers has an index (see 0001-registry-core.ts). */
export function createAuditStore(db: Db) {
	const filtered = (scope: AuditScope, conditions: Condition[]) => {
		let q = db.selectFrom("audit_logs");
		if (scope.kind === "projects")
			q = q.where("project_id", "in", scope.ids.length ? scope.ids : [-1]);
		if (scope.kind === "any-project") q = q.where("project_id", ">", 0);
		for (const c of conditions) {
			if (c.key === "op_time") {
				if (c.op !== "range")
					throw badRequest(
						"op_time takes a range: op_time=[2024-01-01 00:00:00~2024-02-01 00:00:00]",
					);
				if (c.min) q = q.where("op_time", ">=", queryTimeToIso(c.min));
				if (c.max) q = q.where("op_time", "<=", queryTimeToIso(c.max));
				continue;
			}
			const key = c.key as TextKey;
			if (c.op === "exact") q = q.where(key, "=", c.value);
			else if (c.op === "fuzzy")
				q = q.where(containsIgnoringCase(key, c.value));
			else if (c.op === "or")
				q = q.where(key, "in", c.values.length ? c.values : [""]);
			else if (c.op === "and")
				for (const v of c.values) q = q.where(key, "=", v);
			else
				throw badRequest(
					`${key} takes a value, ~part, {a b} or (a b), not a range`,
				);
		}
		return q;
	};

	return {
		async list(
			scope: AuditScope,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = filtered(scope, conditions).select([
				"id",
				"username",
				"resource",
				"resource_type",
				"operation",
				"op_time",
				"description",
			]);
			const order = sort.length ? sort : [{ key: "op_time", desc: true }];
			for (const k of order)
				q = q.orderBy(
					k.key as (typeof auditSortKeys)[number],
					k.desc ? "desc" : "asc",
				);
			// Rows written in one batch share op_time: the id keeps pages stable, in the direction of the first key.
			if (!order.some((k) => k.key === "id"))
				q = q.orderBy("id", order[0].desc ? "desc" : "asc");
			const [rows, count] = await Promise.all([
				q.limit(limit).offset(offset).execute(),
				filtered(scope, conditions)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},

		/** Project ids where a user's role is one of `roles`. */
		async projectsWithRole(member: Member, roles: number[]): Promise<number[]> {
			if (!roles.length) return [];
			const rows = await db
				.selectFrom("members")
				.select("project_id")
				.where((eb) => membersOf(eb, member))
				.where("role", "in", roles)
				.execute();
			return [...new Set(rows.map((r) => r.project_id))];
		},
	};
}

export type AuditRow = Awaited<
	ReturnType<ReturnType<typeof createAuditStore>["list"]>
>["rows"][number];
