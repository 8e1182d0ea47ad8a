import type { Logger } from "pino";
import type { Db } from "../db/database.ts";

export type PoolInfo = {
	id: string;
	host: string;
	pid: number;
	concurrency: number;
	startAt: string;
	heartbeatAt: string;
};

/** A pool whose heartbeat is older than this many beats is taken for dead: not listed, and swept at the next start. */
const missedBeats = 3;

/**
 * The worker pools of every Wharf process on this metadata database, whichever job backend runs the jobs: each
 * process writes its row at start, renews `heartbeat_at` every `heartbeatMs` and deletes it at shutdown, so any
 * replica answers `/jobservice/pools` for all of them.
 */
export function createPoolRegistry(opts: {
	db: Db;
	logger: Logger;
	self: () => Omit<PoolInfo, "heartbeatAt">;
	heartbeatMs?: number;
}) {
	const { db, logger } = opts;
	const heartbeatMs = opts.heartbeatMs ?? 10_000;
	let timer: NodeJS.Timeout | undefined;
	const staleBefore = () =>
		new Date(Date.now() - missedBeats * heartbeatMs).toISOString();

	async function beat() {
		const p = opts.self();
		const heartbeat_at = new Date().toISOString();
		await db
			.insertInto("job_pools")
			.values({
				id: p.id,
				host: p.host,
				pid: p.pid,
				concurrency: p.concurrency,
				start_at: p.startAt,
				heartbeat_at,
			})
			.onConflict((oc) =>
				oc
					.column("id")
					.doUpdateSet({ concurrency: p.concurrency, heartbeat_at }),
			)
			.execute();
	}

	return {
		heartbeatMs,
		async start() {
			// Never fails a start: on a full disk a start writes nothing it can do without, and the heartbeat tries again.
			await db
				.deleteFrom("job_pools")
				.where("heartbeat_at", "<", staleBefore())
				.execute()
				.catch((err) => logger.warn({ err }, "dead worker pools not swept"));
			await beat().catch((err) =>
				logger.warn({ err }, "worker pool not recorded"),
			);
			timer = setInterval(
				() =>
					void beat().catch((err) =>
						logger.warn({ err }, "worker pool heartbeat failed"),
					),
				heartbeatMs,
			);
			timer.unref();
		},
		async list(): Promise<PoolInfo[]> {
			const rows = await db
				.selectFrom("job_pools")
				.selectAll()
				.where("heartbeat_at", ">=", staleBefore())
				.orderBy("start_at")
				.execute();
			// This process's own row is answered with its live concurrency (a type registered since the last beat counts).
			const self = opts.self();
			return rows.map((r) => ({
				id: r.id,
				host: r.host,
				pid: r.pid,
				concurrency: r.id === self.id ? self.concurrency : r.concurrency,
				startAt: r.start_at,
				heartbeatAt: r.heartbeat_at,
			}));
		},
		async close() {
			clearInterval(timer);
			const id = opts.self().id;
			await db
				.deleteFrom("job_pools")
				.where("id", "=", id)
				.execute()
				.catch((err) => logger.warn({ err }, "worker pool row not removed"));
		},
	};
}
