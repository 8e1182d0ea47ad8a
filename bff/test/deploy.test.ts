import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadConfig, settings } from "../config.ts";
import { installRoot } from "../install-root.ts";

/**
 * deploy/ is not run here (no Docker engine, no cluster, no helm): it is linted. Every variable it sets is one Wharf
 * reads; the compose file's environment is a configuration Wharf accepts for the scaled-out shape; the chart's
 * templates name only values its values.yaml defines; the image runs what the build makes.
 */
const deploy = path.join(installRoot, "deploy");
const read = (p: string) => readFileSync(path.join(deploy, p), "utf8");
const known = new Set([
	...Object.keys(settings),
	"AWS_ENDPOINT_URL_S3",
	"AWS_ENDPOINT_URL",
	"AWS_REGION",
	"AWS_ACCESS_KEY_ID",
	"AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN",
	"NODE_ENV",
]);

describe("deploy/", () => {
	it("compose: three replicas whose environment is a valid scaled-out configuration", () => {
		const compose = parse(read("compose.yaml"), { merge: true }) as {
			services: Record<
				string,
				{ environment?: Record<string, string>; deploy?: { replicas?: number } }
			>;
		};
		const wharf = compose.services.wharf;
		expect(wharf.deploy?.replicas).toBe(3);
		const env = wharf.environment!;
		for (const name of Object.keys(env))
			expect(known, `${name} is a setting Wharf reads`).toContain(name);
		const config = loadConfig(env);
		expect(config.databaseUrl).toMatch(/^postgres:\/\//);
		expect(config.redisUrl).toMatch(/^redis:\/\//);
		expect(config.s3).toMatchObject({
			url: "s3://wharf/blobs?path_style=true",
			endpoint: "http://minio:9000",
			credentials: { accessKeyId: "wharf" },
		});
		expect(Buffer.from(env.WHARF_MASTER_KEY, "base64")).toHaveLength(32);
		// The proxy in front passes bodies through unbuffered and unlimited.
		expect(read("nginx.conf")).toMatch(
			/client_max_body_size 0;[\s\S]*proxy_request_buffering off;/,
		);
	});

	it("helm: the templates name only values values.yaml defines, and set only variables Wharf reads", () => {
		const values = parse(read("helm/wharf/values.yaml")) as Record<
			string,
			unknown
		>;
		const has = (dotted: string) =>
			dotted
				.split(".")
				.reduce<unknown>(
					(v, k) =>
						v && typeof v === "object" && k in v
							? (v as Record<string, unknown>)[k]
							: undefined,
					values,
				) !== undefined;
		const templates = readdirSync(path.join(deploy, "helm/wharf/templates"));
		expect(templates).toEqual(
			expect.arrayContaining([
				"deployment.yaml",
				"service.yaml",
				"secret.yaml",
				"pvc.yaml",
				"ingress.yaml",
			]),
		);
		const referenced = new Set<string>();
		const variables = new Set<string>();
		for (const t of templates) {
			const text = read(`helm/wharf/templates/${t}`);
			for (const m of text.matchAll(/\.Values\.([A-Za-z0-9_.]+)/g))
				referenced.add(m[1]);
			for (const m of text.matchAll(
				/(?:name: |^\s+)([A-Z][A-Z0-9_]+)(?=[,:])/gm,
			))
				variables.add(m[1]);
		}
		for (const v of referenced)
			expect(has(v), `values.yaml defines ${v}`).toBe(true);
		expect(variables.size).toBeGreaterThan(5);
		for (const v of variables)
			expect(known, `${v} is a setting Wharf reads`).toContain(v);
		expect(parse(read("helm/wharf/Chart.yaml"))).toMatchObject({
			apiVersion: "v2",
			name: "wharf",
		});
	});

	it("the image runs the server the build makes", () => {
		const dockerfile = read("Dockerfile");
		const pkg = JSON.parse(
			readFileSync(path.join(installRoot, "package.json"), "utf8"),
		) as { scripts: Record<string, string> };
		const outfile = /--outfile=(\S+)/.exec(pkg.scripts["build:server"])![1];
		expect(dockerfile).toContain(
			`CMD ["node", "--enable-source-maps", "${outfile}"]`,
		);
		expect(dockerfile).toMatch(/RUN npm run build\n/);
		expect(dockerfile).toMatch(/^USER node$/m);
	});
});
