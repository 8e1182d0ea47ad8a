import { type Request, Router } from "express";
import { anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import { ruleBody } from "./rules.ts";
import { createImmutableRuleService, ruleJson } from "./service.ts";
import { createImmutableRuleStore } from "./store.ts";

const rulesPath = "/projects/:project_name_or_id/immutabletagrules";

/**
 * The `immutable` tag: a project's immutable tag rules (Harbor's `immutable-tag` resource: project admins and
 * maintainers list and change them). harbor-cli's `project delete --force` lists them first.
 */
export function createImmutableRouter(deps: ApiDeps): Router {
	const router = Router();
	const rules = createImmutableRuleService({
		store: createImmutableRuleStore(deps.db),
		tags: deps.immutableTags,
		audit: deps.audit,
	});
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const project = async (
		req: Request,
		action: "create" | "update" | "delete" | "list",
	) =>
		(
			await authorizeProject(
				deps,
				req,
				String(req.params.project_name_or_id),
				"immutable-tag",
				action,
			)
		).project;

	router.get(rulesPath, async (req, res) => {
		const p = await project(req, "list");
		const page = parsePage(req);
		const { rows, total } = await rules.list(p, page.pageSize, page.offset);
		sendPage(req, res, rows.map(ruleJson), total, page);
	});

	router.post(rulesPath, async (req, res) => {
		const p = await project(req, "create");
		const id = await rules.create(
			p,
			parseWith(ruleBody, req.body),
			operator(req),
		);
		res
			.status(201)
			.set(
				"Location",
				`/api/v2.0/projects/${encodeURIComponent(String(req.params.project_name_or_id))}/immutabletagrules/${id}`,
			)
			.end();
	});

	router.put(`${rulesPath}/:immutable_rule_id`, async (req, res) => {
		const id = pathId(req.params.immutable_rule_id, "immutable_rule_id");
		const p = await project(req, "update");
		await rules.update(p, id, parseWith(ruleBody, req.body), operator(req));
		res.status(200).end();
	});

	router.delete(`${rulesPath}/:immutable_rule_id`, async (req, res) => {
		const id = pathId(req.params.immutable_rule_id, "immutable_rule_id");
		const p = await project(req, "delete");
		await rules.remove(p, id, operator(req));
		res.status(200).end();
	});

	return router;
}
