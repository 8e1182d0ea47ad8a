import { Router } from "express";
import { z } from "zod";
import { schedulerQueue } from "../../jobs/scheduler.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, notFound } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";

const monitor = (action: "list" | "stop") => ({
	resource: "jobservice-monitor",
	action,
});
const actionRequest = z.object({ action: z.enum(["stop", "pause", "resume"]) });

/**
 * The `jobservice` tag: Harbor's job-service dashboard over Wharf's job system. A pool is a Wharf process (its job
 * types' pools together), every replica's listed by any; its workers are the jobs running now. System admins, and robots granted jobservice-monitor.
 */
export function createJobserviceRouter(deps: ApiDeps): Router {
	const router = Router();
	const { jobs } = deps;

	router.get("/jobservice/pools", async (req, res) => {
		requireSysadmin(req, monitor("list"));
		const pools = await jobs.pools();
		res.json(
			pools.map((p) => ({
				pid: p.pid,
				worker_pool_id: p.id,
				start_at: p.startAt,
				heartbeat_at: p.heartbeatAt,
				concurrency: p.concurrency,
				host: p.host,
			})),
		);
	});

	router.get("/jobservice/pools/:pool_id/workers", async (req, res) => {
		requireSysadmin(req, monitor("list"));
		const poolId = req.params.pool_id;
		if (poolId !== "all" && !(await jobs.pools()).some((p) => p.id === poolId))
			throw notFound(`no worker pool ${poolId}`);
		// BullMQ does not say which process runs a job: those are shown in this pool.
		const running = (await jobs.running()).map((j) => ({
			...j,
			pool: j.workerId ?? jobs.pool.id,
		}));
		res.json(
			running
				.filter((j) => poolId === "all" || j.pool === poolId)
				.map((j) => ({
					id: `${j.pool}/${j.id}`,
					pool_id: j.pool,
					job_name: j.type,
					job_id: j.id,
					start_at: j.startTime || null,
					check_in: `${j.progress}%`,
					checkin_at: null,
				})),
		);
	});

	router.put("/jobservice/jobs/:job_id", async (req, res) => {
		requireSysadmin(req, monitor("stop"));
		if ((await jobs.stop(req.params.job_id)) === "not-found")
			throw notFound(`no job ${req.params.job_id}`);
		res.status(200).end();
	});

	router.get("/jobservice/jobs/:job_id/log", async (req, res) => {
		requireSysadmin(req, monitor("list"));
		const lines = await jobs.log(req.params.job_id);
		if (!lines) throw notFound(`no job ${req.params.job_id}`);
		res
			.type("text/plain; charset=utf-8")
			.send(lines.map((l) => `${l}\n`).join(""));
	});

	router.get("/jobservice/queues", async (req, res) => {
		requireSysadmin(req, monitor("list"));
		const queues = await jobs.queues();
		res.json(
			queues.map((q) => ({
				job_type: q.type,
				count: q.pending,
				latency: q.latencySeconds,
				paused: q.paused,
			})),
		);
	});

	router.put("/jobservice/queues/:job_type", async (req, res) => {
		requireSysadmin(req, monitor("stop"));
		const type = req.params.job_type;
		const body = actionRequest.safeParse(req.body ?? {});
		if (!body.success)
			throw new ApiError(
				"UNPROCESSABLE_ENTITY",
				"action must be one of stop, pause, resume",
			);
		const known =
			type === "all" ||
			type === schedulerQueue ||
			(await jobs.queues()).some((q) => q.type === type);
		if (!known) throw notFound(`no job queue ${type}`);
		if (type === schedulerQueue && body.data.action === "stop")
			throw new ApiError(
				"UNPROCESSABLE_ENTITY",
				"the scheduler can be paused and resumed, not stopped",
			);
		await jobs.act(type, body.data.action);
		res.status(200).end();
	});

	return router;
}
