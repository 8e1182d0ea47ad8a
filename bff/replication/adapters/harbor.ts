import { request } from "undici";
import { basicHeader } from "../v2-auth.ts";
import { createV2Client } from "../v2-client.ts";
import { networkError, V2Error } from "../v2-errors.ts";
import {
	type Adapter,
	type AdapterEndpoint,
	type AdapterType,
	standardPattern,
} from "./adapter.ts";

/**
 * `harbor`: another Harbor or Wharf. Beyond the v2 API it speaks Harbor's /api/v2.0: the ping asks that API first (a
 * plain registry at the URL is not a Harbor), and projects and repositories are listed through it (Harbor's
 * `_catalog` is for system admins only).
 */
export function harborAdapter(endpoint: AdapterEndpoint): Adapter & {
	projects(): Promise<string[]>;
	ensureProject(name: string): Promise<void>;
} {
	const client = createV2Client(endpoint);
	const auth = endpoint.credential
		? { authorization: basicHeader(endpoint.credential) }
		: {};

	async function get(
		path: string,
		anonymous = false,
	): Promise<{ status: number; body: unknown; total: number }> {
		let r: Awaited<ReturnType<typeof request>>;
		try {
			r = await request(`${client.url}/api/v2.0${path}`, {
				dispatcher: client.dispatcher,
				headers: { accept: "application/json", ...(anonymous ? {} : auth) },
			});
		} catch (e) {
			throw networkError(client.url, e);
		}
		const text = await r.body.text();
		const body = (() => {
			try {
				return JSON.parse(text) as unknown;
			} catch {
				return text;
			}
		})();
		return {
			status: r.statusCode,
			body,
			total: Number(r.headers["x-total-count"] ?? 0),
		};
	}

	async function all<T>(path: string, what: string): Promise<T[]> {
		const items: T[] = [];
		for (let page = 1; page < 10_000; page++) {
			const r = await get(
				`${path}${path.includes("?") ? "&" : "?"}page=${page}&page_size=100`,
			);
			if (r.status === 401 || r.status === 403)
				throw new V2Error(
					"unauthorized",
					`${client.url} refused to list ${what} (${r.status})`,
					r.status,
				);
			if (r.status !== 200 || !Array.isArray(r.body))
				throw new V2Error(
					"http",
					`${client.url} answered ${r.status} listing ${what}`,
					r.status,
				);
			items.push(...(r.body as T[]));
			if (r.body.length < 100 || items.length >= r.total) return items;
		}
		return items;
	}

	/** Creates a private project on the remote unless one of that name exists (a push replication's destination). */
	async function ensureProject(name: string): Promise<void> {
		let r: Awaited<ReturnType<typeof request>>;
		try {
			r = await request(`${client.url}/api/v2.0/projects`, {
				method: "POST",
				dispatcher: client.dispatcher,
				headers: { "content-type": "application/json", ...auth },
				body: JSON.stringify({
					project_name: name,
					metadata: { public: "false" },
				}),
			});
		} catch (e) {
			throw networkError(client.url, e);
		}
		const text = await r.body.text();
		if (r.statusCode === 201 || r.statusCode === 409) return;
		throw new V2Error(
			r.statusCode === 401 || r.statusCode === 403 ? "unauthorized" : "http",
			`${client.url} refused to create project ${name} (${r.statusCode}): ${text.slice(0, 200)}`,
			r.statusCode,
		);
	}

	const projects = async () =>
		(await all<{ name: string }>("/projects", "projects")).map((p) => p.name);

	return {
		client: async () => client,
		async ping() {
			// Harbor's ping answers anyone; the credentials are then tried on the registry's own flow (users and robots alike).
			const r = await get("/ping", true);
			if (r.status !== 200)
				throw new V2Error(
					"http",
					`${client.url} does not answer Harbor's API (GET /api/v2.0/ping: ${r.status}); is it a Harbor?`,
					r.status,
				);
			await client.ping();
		},
		projects,
		ensureProject,
		async repositories() {
			const names: string[] = [];
			for (const p of await projects()) {
				names.push(
					...(
						await all<{ name: string }>(
							`/projects/${encodeURIComponent(p)}/repositories`,
							`repositories of ${p}`,
						)
					).map((r) => r.name),
				);
			}
			return names;
		},
		close: () => client.close(),
	};
}

export const harbor: AdapterType = {
	type: "harbor",
	info: {
		description: "Registry adapter for Harbor (and Wharf)",
		supported_resource_filters: [
			{ type: "name", style: "input" },
			{ type: "tag", style: "input" },
			{ type: "label", style: "list" },
			{ type: "resource", style: "radio", values: ["image", "artifact"] },
		],
		supported_triggers: ["manual", "scheduled", "event_based"],
		supported_copy_by_chunk: true,
	},
	pattern: standardPattern,
	create: harborAdapter,
};
