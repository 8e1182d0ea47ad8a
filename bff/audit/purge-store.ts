import { chunks } from "../db/chunks.ts";
import type { Db } from "../db/database.ts";

/** An audit event type as Harbor names it (`<operation>_<resource_type>`, e.g. `pull_artifact`), and its rows. */
export type EventTypeRows = {
	operation: string;
	resourceType: string;
	eventType: string;
	rows: number;
};

/**
 * The audit-log purge's SQL. Every query leads with an index 0001 made: `operation` + `op_time` where the event types
 * are named, `op_time` alone where every type is read (`other`), so a table of millions of rows is read by range, and
 * rows are deleted a chunk at a time by id (short transactions: writers of new audit rows never wait long).
 */
export function createPurgeStore(db: Db) {
	return {
		/**
		 * Rows older than `cutoff` per (operation, resource type): of the operations given, or of every operation (null).
		 * An event type's name is split here by the rows themselves, so `login_failed_user` finds operation `login_failed`.
		 */
		async eventTypes(
			cutoff: string,
			operations: string[] | null,
		): Promise<EventTypeRows[]> {
			if (operations && operations.length === 0) return [];
			const out: EventTypeRows[] = [];
			for (const slice of operations ? chunks(operations) : [null]) {
				const rows = await db
					.selectFrom("audit_logs")
					.select([
						"operation",
						"resource_type",
						(eb) => eb.fn.countAll<number>().as("n"),
					])
					.$if(slice !== null, (q) => q.where("operation", "in", slice!))
					.where("op_time", "<", cutoff)
					.groupBy(["operation", "resource_type"])
					.execute();
				out.push(
					...rows.map((r) => ({
						operation: r.operation,
						resourceType: r.resource_type,
						eventType: `${r.operation}_${r.resource_type}`,
						rows: Number(r.n),
					})),
				);
			}
			return out;
		},

		/**
		 * Deletes up to `limit` rows of one event type older than `cutoff`, the oldest first from `from` on (the previous
		 * chunk's last time: rows it kept are not read again). Answers how many went and where the next chunk starts.
		 */
		async deleteChunk(
			t: { operation: string; resourceType: string },
			cutoff: string,
			from: string,
			limit: number,
		): Promise<{ deleted: number; next: string }> {
			const rows = await db
				.selectFrom("audit_logs")
				.select(["id", "op_time"])
				.where("operation", "=", t.operation)
				.where("op_time", "<", cutoff)
				.where("op_time", ">=", from)
				.where("resource_type", "=", t.resourceType)
				.orderBy("op_time")
				.limit(limit)
				.execute();
			if (rows.length === 0) return { deleted: 0, next: from };
			const r = await db
				.deleteFrom("audit_logs")
				.where(
					"id",
					"in",
					rows.map((x) => x.id),
				)
				.executeTakeFirst();
			return {
				deleted: Number(r.numDeletedRows),
				next: rows[rows.length - 1].op_time,
			};
		},
	};
}

export type PurgeStore = ReturnType<typeof createPurgeStore>;
