import { type Request, Router } from "express";
import { z } from "zod";
import { type Action, anonymous } from "../../auth/policy.ts";
import type { ApiDeps } from "../deps.ts";
import { badRequest } from "../errors.ts";
import { parseQuery, parseSort } from "../harbor-query.ts";
import { parsePage, sendPage } from "../pagination.ts";
import { requireSysadmin } from "../project-guard.ts";
import { parseWith, pathId } from "../request-body.ts";
import { type EndpointInput, registryJson, secretMask } from "./service.ts";
import { registryQueryKeys, registrySortKeys } from "./store.ts";

/** An http(s) URL without a trailing slash; a bare host is taken as https, as Harbor does. */
export const endpointUrl = z
	.string()
	.trim()
	.min(1, "url is required")
	.transform((v, ctx) => {
		const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
		try {
			const u = new URL(withScheme);
			if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
			if (u.username || u.password) {
				ctx.addIssue({
					code: "custom",
					message: "put credentials in the credential, not in the URL",
				});
				return z.NEVER;
			}
			return withScheme.replace(/\/+$/, "");
		} catch {
			ctx.addIssue({ code: "custom", message: "must be an http or https URL" });
			return z.NEVER;
		}
	});
const credentialType = z.enum(["basic", "oauth", "secret"]);
const pem = z.string().max(65_536).nullish();

const createBody = z.object({
	name: z.string().trim().min(1, "name is required").max(255),
	url: endpointUrl,
	type: z.string().min(1, "type is required"),
	description: z.string().max(1024).nullish(),
	insecure: z.boolean().nullish(),
	ca_certificate: pem,
	credential: z
		.object({
			type: credentialType.nullish(),
			access_key: z.string().max(1024).nullish(),
			access_secret: z.string().max(65_536).nullish(),
		})
		.nullish(),
});
const updateBody = z.object({
	name: z.string().trim().min(1).max(255).nullish(),
	description: z.string().max(1024).nullish(),
	url: endpointUrl.nullish(),
	credential_type: credentialType.nullish(),
	access_key: z.string().max(1024).nullish(),
	access_secret: z.string().max(65_536).nullish(),
	insecure: z.boolean().nullish(),
	ca_certificate: pem,
});
const pingBody = updateBody.omit({ name: true, description: true }).extend({
	id: z.number().int().positive().nullish(),
	type: z.string().min(1).nullish(),
});

/** The fields of an update or ping that were given (null and absent both mean "as saved"; the mask keeps the secret). */
function given(b: z.infer<typeof updateBody>): Partial<EndpointInput> {
	const patch: Partial<EndpointInput> = {};
	if (b.name != null) patch.name = b.name;
	if (b.description != null) patch.description = b.description;
	if (b.url != null) patch.url = b.url;
	if (b.credential_type != null) patch.credential_type = b.credential_type;
	if (b.access_key != null) patch.access_key = b.access_key;
	if (b.access_secret != null && b.access_secret !== secretMask)
		patch.access_secret = b.access_secret || null;
	if (b.insecure != null) patch.insecure = b.insecure;
	if (b.ca_certificate !== undefined && b.ca_certificate !== secretMask)
		patch.ca_certificate = b.ca_certificate || null;
	return patch;
}

/** `registry`: registry endpoints and the adapter types they may have. System admins, and robots granted `registry`. */
export function createRegistriesRouter(deps: ApiDeps): Router {
	const router = Router();
	const { registries } = deps;
	const operator = (req: Request) => (req.principal ?? anonymous).name;
	const guard = (req: Request, action: Action) =>
		requireSysadmin(req, { resource: "registry", action });

	router.get("/registries", async (req, res) => {
		guard(req, "list");
		const page = parsePage(req);
		const name =
			typeof req.query.name === "string" ? req.query.name : undefined;
		const { rows, total } = await registries.list(
			name,
			parseQuery(req.query.q, registryQueryKeys),
			parseSort(req.query.sort, registrySortKeys),
			page.pageSize,
			page.offset,
		);
		sendPage(req, res, rows.map(registryJson), total, page);
	});

	router.post("/registries", async (req, res) => {
		guard(req, "create");
		const b = parseWith(createBody, req.body);
		const id = await registries.create(
			{
				name: b.name,
				url: b.url,
				type: b.type,
				description: b.description ?? "",
				insecure: b.insecure ?? false,
				ca_certificate: b.ca_certificate || null,
				credential_type: b.credential?.type ?? "basic",
				access_key: b.credential?.access_key ?? "",
				access_secret: b.credential?.access_secret || null,
			},
			operator(req),
		);
		res.status(201).set("Location", `/api/v2.0/registries/${id}`).end();
	});

	router.post("/registries/ping", async (req, res) => {
		guard(req, "read");
		const b = parseWith(pingBody, req.body);
		const saved = b.id != null ? await registries.endpoint(b.id) : undefined;
		if (!saved && (!b.type || !b.url))
			throw badRequest(
				"a ping names a saved registry (id) or gives its type and url",
			);
		const base: EndpointInput = saved ?? {
			name: "",
			description: "",
			type: b.type!,
			url: b.url!,
			credential_type: "basic",
			access_key: "",
			access_secret: null,
			insecure: false,
			ca_certificate: null,
		};
		await registries.ping({
			...base,
			...(b.type ? { type: b.type } : {}),
			...given(b),
		});
		res.status(200).end();
	});

	router.get("/registries/:id", async (req, res) => {
		guard(req, "read");
		res.json(registryJson(await registries.get(pathId(req.params.id, "id"))));
	});

	router.put("/registries/:id", async (req, res) => {
		guard(req, "update");
		const id = pathId(req.params.id, "id");
		await registries.update(
			id,
			given(parseWith(updateBody, req.body)),
			operator(req),
		);
		res.status(200).end();
	});

	router.delete("/registries/:id", async (req, res) => {
		guard(req, "delete");
		await registries.remove(pathId(req.params.id, "id"), operator(req));
		res.status(200).end();
	});

	router.get("/registries/:id/info", async (req, res) => {
		guard(req, "read");
		res.json(
			registries.info(await registries.get(pathId(req.params.id, "id"))),
		);
	});

	router.get("/replication/adapters", (req, res) => {
		requireSysadmin(req, { resource: "replication-adapter", action: "list" });
		res.json([...registries.types.keys()]);
	});

	router.get("/replication/adapterinfos", (req, res) => {
		requireSysadmin(req, { resource: "replication-adapter", action: "list" });
		res.json(
			Object.fromEntries(
				[...registries.types.values()].map((t) => [t.type, t.pattern]),
			),
		);
	});

	return router;
}
