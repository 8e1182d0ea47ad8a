import { type Request, Router } from "express";
import { z } from "zod";
import { anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { createLabelStore } from "../labels/store.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { authorizeProject } from "../project-guard.ts";
import { requireNonProxyCache } from "../projects/proxy-endpoint.ts";
import {
	authorizeRepository,
	byProjectName,
	encodeRepositoryName,
	repositoryParam,
} from "../repositories/repository-path.ts";
import { pathId } from "../request-body.ts";
import {
	createArtifactService,
	type PresentFlags,
	parseCopySource,
} from "./service.ts";
import {
	artifactQueryKeys,
	artifactSortKeys,
	createArtifactStore,
} from "./store.ts";

const artifactPath =
	"/projects/:project_name/repositories/:repository_name/artifacts";
const additionNames = [
	"build_history",
	"values.yaml",
	"readme.md",
	"dependencies",
	"sbom",
	"license",
	"files",
];
const newTag = z.object({ name: z.string().min(1, "name is required") });
const labelRef = z.object({ id: z.number().int().positive() });
const tagSortKeys = ["id", "name", "push_time", "pull_time"];

/** `with_*` switches: `true`/`false` as Harbor's generated server reads them. */
function flag(req: Request, name: string, fallback: boolean): boolean {
	const v = req.query[name];
	if (v === undefined || v === "") return fallback;
	if (v === "true" || v === "1") return true;
	if (v === "false" || v === "0") return false;
	throw badRequest(`${name} must be true or false`);
}

const presentFlags = (req: Request): PresentFlags => ({
	withTag: flag(req, "with_tag", true),
	withLabel: flag(req, "with_label", false),
	withAccessory: flag(req, "with_accessory", false),
	withInheritedAccessory: flag(req, "with_inherited_accessory", false),
	withScanOverview: flag(req, "with_scan_overview", false),
});

const parseBody = <T>(schema: z.ZodType<T>, body: unknown): T => {
	const r = schema.safeParse(body ?? {});
	if (!r.success)
		throw badRequest(
			r.error.issues
				.map((i) => `${i.path.join(".") || "body"}: ${i.message}`)
				.join("; "),
		);
	return r.data;
};

/** artifact: list, get, copy, delete; tags, labels, accessories and additions of an artifact; a project's artifacts. */
export function createArtifactsRouter(deps: ApiDeps): Router {
	const router = Router();
	const artifacts = createArtifactService({
		store: createArtifactStore(deps.db),
		registry: deps.store,
		manifests: deps.manifests,
		storage: deps.storage,
		audit: deps.audit,
		labels: createLabelStore(deps.db),
		guard: deps.guard,
		events: deps.events,
		scanOverviews: deps.scanning.overviews,
	});
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const listOptions = (req: Request) => {
		const page = parsePage(req);
		return {
			page,
			opts: {
				conditions: parseQuery(req.query.q, artifactQueryKeys),
				sort: parseSort(req.query.sort, artifactSortKeys),
				limit: page.pageSize,
				offset: page.offset,
				latestInRepository: flag(req, "latest_in_repository", false),
			},
		};
	};
	/** The repository and the artifact named by `{reference}`, once the policy allows `action` on `resource`. */
	const artifactOf = async (
		req: Request,
		resource: string,
		action: Parameters<typeof authorizeRepository>[3],
	) => {
		const r = await authorizeRepository(deps, req, resource, action);
		return {
			...r,
			artifact: await artifacts.resolve(
				r.repository,
				String(req.params.reference),
			),
		};
	};

	router.get(artifactPath, async (req, res) => {
		const { repository } = await authorizeRepository(
			deps,
			req,
			"artifact",
			"list",
		);
		const { page, opts } = listOptions(req);
		const { items, total } = await artifacts.list(
			{ repositoryId: repository.id },
			opts,
			presentFlags(req),
		);
		sendPage(req, res, items, total, page);
	});

	router.post(artifactPath, async (req, res) => {
		if (typeof req.query.from !== "string" || !req.query.from)
			throw badRequest(
				"from is required: project/repository:tag or project/repository@digest",
			);
		const from = parseCopySource(req.query.from);
		const { project } = await authorizeProject(
			deps,
			byProjectName(req),
			String(req.params.project_name),
			"repository",
			"push",
		);
		await requireNonProxyCache(deps.db, project);
		const source = await authorizeProject(
			deps,
			req,
			from.project,
			"repository",
			"pull",
		);
		const sourceRepo = await deps.store.findRepository(from.repository);
		if (!sourceRepo || sourceRepo.project_id !== source.project.id)
			throw notFound(`repository ${from.repository} not found`);
		const path = repositoryParam(String(req.params.repository_name));
		const digest = await artifacts.copy(
			{
				repo: {
					id: sourceRepo.id,
					projectId: sourceRepo.project_id,
					name: sourceRepo.name,
				},
				reference: from.reference,
				tag: from.tag,
			},
			{
				projectId: project.id,
				project: project.name,
				name: `${project.name}/${path}`,
			},
			operator(req),
		);
		res
			.status(201)
			.set(
				"Location",
				`/api/v2.0/projects/${project.name}/repositories/${encodeRepositoryName(path)}/artifacts/${digest}`,
			)
			.end();
	});

	router.get(`${artifactPath}/:reference`, async (req, res) => {
		const { repository } = await authorizeRepository(
			deps,
			req,
			"artifact",
			"read",
		);
		res.json(
			await artifacts.get(
				repository,
				String(req.params.reference),
				presentFlags(req),
			),
		);
	});

	router.delete(`${artifactPath}/:reference`, async (req, res) => {
		const { project, repository } = await authorizeRepository(
			deps,
			req,
			"artifact",
			"delete",
		);
		await artifacts.remove(
			repository,
			project.name,
			String(req.params.reference),
			operator(req),
		);
		res.status(200).end();
	});

	router.get(`${artifactPath}/:reference/tags`, async (req, res) => {
		const { repository, artifact } = await artifactOf(req, "tag", "list");
		const page = parsePage(req);
		const { items, total } = await artifacts.tags(
			repository,
			artifact,
			parseQuery(req.query.q, ["name"]),
			parseSort(req.query.sort, tagSortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	router.post(`${artifactPath}/:reference/tags`, async (req, res) => {
		const { name } = parseBody(newTag, req.body);
		const { project, repository, artifact, path } = await artifactOf(
			req,
			"tag",
			"create",
		);
		await artifacts.createTag(
			repository,
			project.name,
			artifact,
			name,
			operator(req),
		);
		res
			.status(201)
			.set(
				"Location",
				`/api/v2.0/projects/${project.name}/repositories/${encodeRepositoryName(path)}/artifacts/${artifact.digest}/tags/${name}`,
			)
			.end();
	});

	router.delete(
		`${artifactPath}/:reference/tags/:tag_name`,
		async (req, res) => {
			const { project, repository, artifact } = await artifactOf(
				req,
				"tag",
				"delete",
			);
			await artifacts.deleteTag(
				repository,
				project.name,
				artifact,
				String(req.params.tag_name),
				operator(req),
			);
			res.status(200).end();
		},
	);

	router.get(`${artifactPath}/:reference/accessories`, async (req, res) => {
		const { repository, artifact } = await artifactOf(req, "accessory", "list");
		const page = parsePage(req);
		parseQuery(req.query.q, []);
		const { items, total } = await artifacts.accessories(
			repository,
			artifact,
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, items, total, page);
	});

	// The artifact's vulnerability reports by mime type; an artifact never scanned answers an empty object, as Harbor.
	router.get(
		`${artifactPath}/:reference/additions/vulnerabilities`,
		async (req, res) => {
			const { artifact } = await artifactOf(req, "artifact-addition", "read");
			res.json(await deps.scanning.reports(artifact.id));
		},
	);

	// The `scan` tag: scan an artifact now, stop it, read a scan's log.
	router.post(`${artifactPath}/:reference/scan`, async (req, res) => {
		const { repository, artifact } = await artifactOf(req, "scan", "create");
		const started = await deps.scanning.scan({
			id: artifact.id,
			digest: artifact.digest,
			projectId: repository.projectId,
			repository: repository.name,
			mediaType: artifact.manifest_media_type,
		});
		if (!started)
			throw new ApiError(
				"PRECONDITION",
				"no scanner is registered for this project: a system admin adds one under Administration → Scanners",
			);
		res.status(202).end();
	});

	router.post(`${artifactPath}/:reference/scan/stop`, async (req, res) => {
		const { artifact } = await artifactOf(req, "scan", "stop");
		if (!(await deps.scanning.stop(artifact.id)))
			throw badRequest("no scan of this artifact is pending or running");
		res.status(202).end();
	});

	router.get(
		`${artifactPath}/:reference/scan/:report_id/log`,
		async (req, res) => {
			const { artifact } = await artifactOf(req, "scan", "read");
			const log = await deps.scanning.log(
				artifact.id,
				String(req.params.report_id),
			);
			if (log === undefined)
				throw notFound(`scan report ${String(req.params.report_id)} not found`);
			res.type("text/plain").send(log);
		},
	);

	router.get(
		`${artifactPath}/:reference/additions/:addition`,
		async (req, res) => {
			const name = String(req.params.addition);
			if (!additionNames.includes(name))
				throw badRequest(`unknown addition: ${name}`);
			const { artifact } = await artifactOf(req, "artifact-addition", "read");
			const addition = await artifacts.addition(artifact, name);
			res.status(200).type(addition.contentType).send(addition.body);
		},
	);

	router.post(`${artifactPath}/:reference/labels`, async (req, res) => {
		const { id } = parseBody(labelRef, req.body);
		const { artifact } = await artifactOf(req, "artifact-label", "create");
		await artifacts.addLabel(artifact, id);
		res.status(200).end();
	});

	router.delete(
		`${artifactPath}/:reference/labels/:label_id`,
		async (req, res) => {
			const labelId = pathId(req.params.label_id, "label_id");
			const { artifact } = await artifactOf(req, "artifact-label", "delete");
			await artifacts.removeLabel(artifact, labelId);
			res.status(200).end();
		},
	);

	router.get("/projects/:project_name_or_id/artifacts", async (req, res) => {
		const { project } = await authorizeProject(
			deps,
			req,
			String(req.params.project_name_or_id),
			"artifact",
			"list",
		);
		const { page, opts } = listOptions(req);
		const { items, total } = await artifacts.list(
			{ projectId: project.id },
			opts,
			presentFlags(req),
		);
		sendPage(req, res, items, total, page);
	});

	return router;
}
