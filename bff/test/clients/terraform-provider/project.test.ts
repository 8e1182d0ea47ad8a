import { describe, expect, it } from "vitest";
import { engines } from "../../harness.ts";
import { omitEmpty, parseBoolOrDefault, providerServer } from "./go-client.ts";

/** A `harbor_project` resource's arguments (provider/resource_project.go), with the provider's defaults. */
type ProjectConfig = {
	name: string;
	public: boolean;
	vulnerability_scanning: boolean;
	storage_quota: number;
	cve_allowlist: string[];
	deployment_security: string;
	enable_content_trust: boolean;
	enable_content_trust_cosign: boolean;
	auto_sbom_generation: boolean;
	proxy_speed_kb: number;
	proxy_cache_local_on_not_found: boolean;
};
const defaults: Omit<ProjectConfig, "name"> = {
	public: false,
	vulnerability_scanning: true,
	storage_quota: -1,
	cve_allowlist: [],
	deployment_security: "",
	enable_content_trust: false,
	enable_content_trust_cosign: false,
	auto_sbom_generation: false,
	proxy_speed_kb: -1,
	proxy_cache_local_on_not_found: false,
};
const gib = 1073741824;

/** client.ProjectBody with models.ProjectsBodyPost's JSON tags: what the provider sends on POST and PUT alike. */
function projectBody(c: ProjectConfig) {
	const security = c.deployment_security;
	return omitEmpty({
		project_name: c.name,
		cve_allowlist: omitEmpty({
			items: c.cve_allowlist.map((cve_id) => ({ cve_id })),
		}),
		storage_limit: c.storage_quota === -1 ? -1 : c.storage_quota * gib,
		metadata: omitEmpty({
			enable_content_trust: String(c.enable_content_trust),
			enable_content_trust_cosign: String(c.enable_content_trust_cosign),
			auto_scan: String(c.vulnerability_scanning),
			severity: security || "low",
			reuse_sys_cve_allowlist: c.cve_allowlist.length ? "false" : "true",
			public: String(c.public),
			prevent_vul: security ? "true" : "false",
			auto_sbom_generation: String(c.auto_sbom_generation),
			proxy_speed_kb: String(c.proxy_speed_kb),
			proxy_cache_local_on_not_found: String(c.proxy_cache_local_on_not_found),
		}),
	});
}

type ProjectJson = {
	name: string;
	project_id: number;
	metadata: Record<string, string>;
	cve_allowlist: { items: { cve_id: string }[] };
};

/** resourceProjectRead: the state the provider derives from GET; a field that differs from the config is a plan diff. */
function stateOf(p: ProjectJson): Omit<ProjectConfig, "storage_quota"> {
	const m = p.metadata;
	const preventVul = parseBoolOrDefault(m.prevent_vul, false);
	const severity = m.severity ?? "";
	const inconsistent =
		(severity === "none" && preventVul) || (severity !== "none" && !preventVul);
	return {
		name: p.name,
		public: parseBoolOrDefault(m.public, false),
		vulnerability_scanning: parseBoolOrDefault(m.auto_scan, false),
		enable_content_trust: parseBoolOrDefault(m.enable_content_trust, false),
		enable_content_trust_cosign: parseBoolOrDefault(
			m.enable_content_trust_cosign,
			false,
		),
		deployment_security: inconsistent ? "" : severity,
		auto_sbom_generation: parseBoolOrDefault(m.auto_sbom_generation, false),
		proxy_speed_kb: m.proxy_speed_kb
			? Number.parseInt(m.proxy_speed_kb, 10)
			: -1,
		proxy_cache_local_on_not_found: parseBoolOrDefault(
			m.proxy_cache_local_on_not_found,
			false,
		),
		cve_allowlist: p.cve_allowlist.items.map((i) => i.cve_id),
	};
}
const withoutQuota = ({ storage_quota: _q, ...rest }: ProjectConfig) => rest;

describe.each(engines)(
	"Terraform provider: harbor_project against %s",
	(engine) => {
		const ctx = providerServer(engine);

		const read = async (id: string) => {
			const r = await ctx.tf.send("GET", id);
			expect(r.status, r.text).toBe(200);
			return stateOf(r.json as ProjectJson);
		};

		it("creates, reads with no diff, updates (quota included), clears the allowlist and deletes a project", async () => {
			// resourceProjectCreate: POST, the id from Location, then a PUT of the same body because there is an allowlist.
			const config: ProjectConfig = {
				...defaults,
				name: "tf-project",
				vulnerability_scanning: false,
				storage_quota: 2,
				cve_allowlist: ["CVE-2023-0001", "CVE-2023-0002"],
			};
			const created = await ctx.tf.send(
				"POST",
				"/projects",
				projectBody(config),
			);
			expect(created.status, created.text).toBe(201);
			const id = ctx.tf.idOf(created.location);
			expect(id).toMatch(/^\/projects\/\d+$/);
			expect((await ctx.tf.send("PUT", id, projectBody(config))).status).toBe(
				200,
			);
			expect(await read(id)).toEqual(withoutQuota(config));

			// resourceProjectUpdate: PUT, then UpdateStorageQuota (GET /configurations, pages of /quotas/, PUT /quotas/{id}).
			const changed: ProjectConfig = {
				...config,
				public: true,
				cve_allowlist: ["CVE-2023-0003"],
				storage_quota: 3,
				proxy_cache_local_on_not_found: true,
			};
			const put = await ctx.tf.send("PUT", id, projectBody(changed));
			expect(put.status, put.text).toBe(200);
			const settings = (await ctx.tf.send("GET", "/configurations")).json as {
				quota_per_project_enable: { value: boolean };
			};
			expect(settings.quota_per_project_enable.value).toBe(true);
			const projectId = Number(id.split("/").pop());
			let updatedQuotas = 0;
			for (let page = 1; ; page++) {
				const quotas = await ctx.tf.send(
					"GET",
					`/quotas/?page=${page}&page_size=100`,
				);
				expect(quotas.status).toBe(200);
				const list = quotas.json as { id: number; ref: { id: number } }[];
				if (list.length === 0) break;
				const mine = list.find((q) => q.ref.id === projectId);
				if (mine) {
					expect(
						(
							await ctx.tf.send("PUT", `/quotas/${mine.id}`, {
								hard: { storage: changed.storage_quota * gib },
							})
						).status,
					).toBe(200);
					updatedQuotas++;
				}
			}
			expect(updatedQuotas).toBe(1);
			expect(await read(id)).toEqual(withoutQuota(changed));
			expect(
				(
					(await ctx.tf.send("GET", `/quotas/${projectId}`)).json as {
						hard: { storage: number };
					}
				).hard.storage,
			).toBe(3 * gib);

			// Removing every CVE sends `cve_allowlist: {}`, which empties the list (reuse_sys_cve_allowlist turns true).
			const cleared: ProjectConfig = { ...changed, cve_allowlist: [] };
			const clearedBody = projectBody(cleared);
			expect(clearedBody.cve_allowlist).toEqual({});
			expect((await ctx.tf.send("PUT", id, clearedBody)).status).toBe(200);
			expect(await read(id)).toEqual(withoutQuota(cleared));
			expect(
				((await ctx.tf.send("GET", id)).json as ProjectJson).metadata
					.reuse_sys_cve_allowlist,
			).toBe("true");

			// resourceProjectDelete without force_destroy: the repositories, page by page, must be none; then DELETE.
			const repos = await ctx.tf.send(
				"GET",
				"/projects/tf-project/repositories?page=1&page_size=100",
			);
			expect(repos.json).toEqual([]);
			expect((await ctx.tf.send("DELETE", id)).status).toBe(200);
			// The next read finds it gone (404), which the provider takes as deleted.
			expect((await ctx.tf.send("GET", id)).status).toBe(404);
		});

		it("stores a project made with the defaults but vulnerability scanning, proxy keys included, as the provider reads them back", async () => {
			const config: ProjectConfig = {
				...defaults,
				name: "tf-defaults",
				vulnerability_scanning: false,
			};
			const body = projectBody(config);
			// storage_quota -1 is sent as -1; no registry_id and no items are sent at all (omitempty).
			expect(body).toEqual({
				project_name: "tf-defaults",
				cve_allowlist: {},
				storage_limit: -1,
				metadata: {
					enable_content_trust: "false",
					enable_content_trust_cosign: "false",
					auto_scan: "false",
					severity: "low",
					reuse_sys_cve_allowlist: "true",
					public: "false",
					prevent_vul: "false",
					auto_sbom_generation: "false",
					proxy_speed_kb: "-1",
					proxy_cache_local_on_not_found: "false",
				},
			});
			const created = await ctx.tf.send("POST", "/projects", body);
			expect(created.status, created.text).toBe(201);
			const got = (await ctx.tf.send("GET", ctx.tf.idOf(created.location)))
				.json as ProjectJson;
			expect(got.metadata).toEqual(body.metadata);
			expect(stateOf(got)).toEqual(withoutQuota(config));
		});

		it("creates a project with the provider's defaults as they are (vulnerability_scanning = true), and reads it back with no diff", async () => {
			const config: ProjectConfig = { ...defaults, name: "tf-scanning" };
			const created = await ctx.tf.send(
				"POST",
				"/projects",
				projectBody(config),
			);
			expect(created.status, created.text).toBe(201);
			expect(await read(ctx.tf.idOf(created.location))).toEqual(
				withoutQuota(config),
			);
		});

		it("creates a project with deployment_security (the pull guard prevent_vul with its severity) and reads it back", async () => {
			const config = {
				...defaults,
				name: "tf-guarded",
				deployment_security: "high",
			};
			const guarded = await ctx.tf.send(
				"POST",
				"/projects",
				projectBody(config),
			);
			expect(guarded.status, guarded.text).toBe(201);
			expect(await read(ctx.tf.idOf(guarded.location))).toEqual(
				withoutQuota(config),
			);
		});
	},
);
