import { type Request, type Response, Router } from "express";
import type { ApiDeps } from "../deps.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import {
	authorizeProject,
	requireSignedIn,
	requireSysadmin,
} from "../project-guard.ts";
import { byProjectName } from "../repositories/repository-path.ts";
import {
	type AuditPage,
	auditEventTypes,
	auditLog,
	auditLogExt,
	createAuditLogService,
} from "./service.ts";
import { type AuditScope, auditQueryKeys, auditSortKeys } from "./store.ts";

/** auditlog: the audit log and project logs, in Harbor's legacy shape and 2.13's extended one (same rows). */
export function createAuditLogsRouter(deps: ApiDeps): Router {
	const router = Router();
	const service = createAuditLogService(deps);

	const parse = (
		req: Request,
	): AuditPage & { page: ReturnType<typeof parsePage> } => {
		const page = parsePage(req);
		return {
			conditions: parseQuery(req.query.q, auditQueryKeys),
			sort: parseSort(req.query.sort, auditSortKeys),
			limit: page.pageSize,
			offset: page.offset,
			page,
		};
	};
	const send = async (
		req: Request,
		res: Response,
		scope: AuditScope,
		shape: typeof auditLog | typeof auditLogExt,
	) => {
		const p = parse(req);
		const { rows, total } = await service.list(scope, p);
		sendPage(req, res, rows.map(shape), total, p.page);
	};
	const systemWide =
		(shape: typeof auditLog | typeof auditLogExt) =>
		async (req: Request, res: Response, next: (e?: unknown) => void) => {
			try {
				requireSignedIn(req);
				await send(req, res, await service.scopeOf(req.principal!), shape);
			} catch (e) {
				next(e);
			}
		};
	const ofProject =
		(shape: typeof auditLog | typeof auditLogExt) =>
		async (req: Request, res: Response, next: (e?: unknown) => void) => {
			try {
				const { project } = await authorizeProject(
					deps,
					byProjectName(req),
					String(req.params.project_name),
					"log",
					"list",
				);
				await send(req, res, { kind: "projects", ids: [project.id] }, shape);
			} catch (e) {
				next(e);
			}
		};

	router.get("/audit-logs", systemWide(auditLog));
	router.get("/auditlog-exts", systemWide(auditLogExt));
	router.get("/auditlog-exts/events", (req, res, next) => {
		try {
			requireSysadmin(req, { resource: "audit-log", action: "list" });
			res.json(auditEventTypes);
		} catch (e) {
			next(e);
		}
	});
	router.get("/projects/:project_name/logs", ofProject(auditLog));
	router.get("/projects/:project_name/auditlog-exts", ofProject(auditLogExt));
	return router;
}
