import { sql } from "kysely";
import type { Db } from "../../db/database.ts";

/** The SQL behind the console's project activity endpoint. */
export function createProjectActivityStore(db: Db) {
	return {
		/**
		 * Artifact pushes and pulls per UTC day since `since`; served by audit_logs(project_id, op_time). A push is a
		 * `create` naming a tag (`repo:tag`): the platform manifests of an index, uploaded by digest (`repo@sha256:…`),
		 * are parts of that push, not pushes of their own. Every pull counts, by tag or by digest.
		 */
		async activityByDay(projectId: number, since: string) {
			// op_time is ISO-8601 UTC text, so its first 10 characters are the day.
			const day = sql<string>`substr(audit_logs.op_time, 1, 10)`;
			const rows = await db
				.selectFrom("audit_logs")
				.select([
					day.as("day"),
					"operation",
					(eb) => eb.fn.countAll<number | string>().as("n"),
				])
				.where("project_id", "=", projectId)
				.where("op_time", ">=", since)
				.where("resource_type", "=", "artifact")
				.where((eb) =>
					eb.or([
						eb("operation", "=", "pull"),
						eb.and([
							eb("operation", "=", "create"),
							eb("resource", "not like", "%@%"),
						]),
					]),
				)
				.groupBy([day, "operation"])
				.execute();
			return rows.map((r) => ({
				day: r.day,
				operation: r.operation,
				n: Number(r.n),
			}));
		},

		/** The project's most-pulled repositories. */
		mostPulled: (projectId: number, limit: number) =>
			db
				.selectFrom("repositories")
				.select(["name", "pull_count"])
				.where("project_id", "=", projectId)
				.where("pull_count", ">", 0)
				.orderBy("pull_count", "desc")
				.orderBy("name")
				.limit(limit)
				.execute()
				.then((rows) =>
					rows.map((r) => ({ name: r.name, pull_count: Number(r.pull_count) })),
				),
	};
}
