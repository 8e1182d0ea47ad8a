import path from "node:path";
import { type Request, Router } from "express";
import { z } from "zod";
import { anonymous } from "../../auth/policy.ts";
import { CronError } from "../../jobs/cron.ts";
import {
	importZipStream,
	OsvImportError,
} from "../../scanning/builtin/osv-import.ts";
import { osvSyncJobType } from "../../scanning/builtin/osv-sync.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest, notFound } from "../errors.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith } from "../request-body.ts";

const settingsBody = z.object({
	source_url: z
		.string()
		.regex(/^https?:\/\/\S+$/, "source_url must be an http(s) URL")
		.optional(),
	ecosystems: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
	/** Harbor's six-field cron; empty: no scheduled download. */
	cron: z.string().max(100).optional(),
});

/**
 * The built-in scanner's OSV database (beyond Harbor), for system admins: its age and size, recent imports, where the
 * scheduled download fetches from and when; a zip of OSV advisories imported by hand (POST the zip as the body); a
 * download now.
 */
export function createOsvRouter(deps: ApiDeps): Router {
	const router = Router();
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const schedule = async () => {
		const { rows } = await deps.jobs.schedules.list({ offset: 0, limit: 1000 });
		const r = rows.find((x) => x.vendor_type === osvSyncJobType);
		return r ? { cron: r.cron, next_run: r.next_run } : null;
	};
	const record = (req: Request, what: string) =>
		deps.audit.record({
			project: null,
			operator: operator(req),
			resource: `vulnerability database: ${what}`,
			resourceType: "scanner",
			operation: "update",
		});

	router.get("/system/osv", async (req, res) => {
		requireSysadmin(req);
		const [status, settings, imports] = await Promise.all([
			deps.osv.status(),
			deps.osv.settings(),
			deps.osv.imports(),
		]);
		res.json({
			advisories: status.advisories,
			newest_modified: status.newestModified,
			updated_at: status.updatedAt,
			source_url: settings.sourceUrl,
			ecosystems: settings.ecosystems,
			schedule: await schedule(),
			imports,
		});
	});

	router.put("/system/osv", async (req, res) => {
		requireSysadmin(req);
		const body = parseWith(settingsBody, req.body);
		const current = await deps.osv.settings();
		await deps.osv.saveSettings({
			sourceUrl: body.source_url ?? current.sourceUrl,
			ecosystems: body.ecosystems ?? current.ecosystems,
		});
		if (body.cron !== undefined) {
			try {
				if (body.cron.trim())
					await deps.jobs.schedules.set(osvSyncJobType, 0, body.cron.trim());
				else await deps.jobs.schedules.remove(osvSyncJobType, 0);
			} catch (e) {
				if (e instanceof CronError) throw badRequest(e.message);
				throw e;
			}
		}
		record(req, "settings");
		res.status(200).end();
	});

	router.post("/system/osv/imports", async (req, res) => {
		requireSysadmin(req);
		if (req.is("json") || Number(req.get("Content-Length") ?? "1") === 0)
			throw badRequest(
				"send a zip of OSV advisories (OSV's <ecosystem>/all.zip) as the request body",
			);
		try {
			const r = await importZipStream(
				deps.osv,
				req,
				`upload by ${operator(req)}`,
				path.join(deps.config.dataDir, "tmp"),
			);
			record(req, `${r.changed} of ${r.read} advisories imported`);
			res
				.status(201)
				.location(`/api/v2.0/system/osv/imports/${r.id}`)
				.json({ id: r.id, read: r.read, changed: r.changed });
		} catch (e) {
			if (e instanceof OsvImportError) throw badRequest(e.message);
			throw e;
		}
	});

	router.get("/system/osv/imports/:id", async (req, res) => {
		requireSysadmin(req);
		const r = (await deps.osv.imports(1000)).find(
			(i) => i.id === Number(req.params.id),
		);
		if (!r) throw notFound(`no import ${req.params.id}`);
		res.json(r);
	});

	router.post("/system/osv/sync", async (req, res) => {
		requireSysadmin(req);
		if (!deps.config.builtinScanner)
			throw badRequest(
				"the built-in scanner is off (WHARF_BUILTIN_SCANNER): nothing downloads its database",
			);
		const id = await deps.jobs.enqueue(osvSyncJobType, {}, { attempts: 1 });
		record(req, "download started");
		res.status(202).json({ job_id: id });
	});

	return router;
}
