import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../jobs/job-test-fixtures.ts";
import { api } from "./api-fixtures.ts";
import { type ClientSandbox, clientSandbox } from "./clients.ts";
import { makeOciLayout } from "./fixtures/oci-layout.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Artifact = {
	digest: string;
	tags: { name: string }[] | null;
	references?: { child_digest: string }[] | null;
};

/**
 * A proxy cache whose upstream is another Wharf (type harbor), and one of Docker Hub (a docker-hub endpoint whose
 * registry URL is that Wharf, which answers with Bearer token auth as the Hub does).
 */
describe("proxy caches of another Wharf and of Docker Hub", () => {
	let upstream: TestServer;
	let upstreamStopped = false;
	let s: TestServer;
	let c: ClientSandbox;
	let call: ReturnType<typeof api>;
	let index: string;
	let amd64: string;
	const hostOf = (t: TestServer) => t.url.replace("http://", "");
	const creds = `admin:${adminPassword}`;

	async function pull(ref: string, all = false) {
		const out = path.join(
			c.dir,
			`pulled-${Date.now()}-${Math.random().toString(36).slice(2)}`,
		);
		const r = await c.skopeo(
			"copy",
			...(all ? ["--all"] : []),
			`docker://${hostOf(s)}/${ref}`,
			`oci:${out}`,
			"--src-tls-verify=false",
			"--src-creds",
			creds,
		);
		expect(r.ok, r.stderr).toBe(true);
		return c.layoutDigest(out);
	}
	const artifacts = async (p: string, repo: string) =>
		(await (
			await call(
				`/projects/${p}/repositories/${encodeURIComponent(encodeURIComponent(repo))}/artifacts?with_tag=true`,
			)
		).json()) as Artifact[];

	beforeAll(async () => {
		[upstream, c] = await Promise.all([
			startTestServer("sqlite"),
			clientSandbox(),
		]);
		s = await startTestServer("sqlite", {
			WHARF_DOCKER_HUB_REGISTRY_URL: upstream.url,
			WHARF_PROXY_TAG_CHECK_SECONDS: "0.5",
		});
		call = api(s);
		// A two-platform image in the upstream's public `library` project, as Docker Hub's official images are.
		const layout = path.join(c.dir, "multi");
		const made = await makeOciLayout(layout, {
			platforms: [
				{ os: "linux", architecture: "amd64" },
				{ os: "linux", architecture: "arm64" },
			],
		});
		index = made.digest;
		amd64 = made.images[0].digest;
		const push = await c.skopeo(
			"copy",
			"--all",
			`oci:${layout}`,
			`docker://${hostOf(upstream)}/library/app:1`,
			"--dest-tls-verify=false",
			"--dest-creds",
			creds,
		);
		expect(push.ok, push.stderr).toBe(true);
		for (const body of [
			{
				name: "wharf",
				type: "harbor",
				url: upstream.url,
				credential: {
					type: "basic",
					access_key: "admin",
					access_secret: adminPassword,
				},
			},
			{
				name: "hub",
				type: "docker-hub",
				url: "https://hub.docker.com",
				credential: {
					type: "basic",
					access_key: "admin",
					access_secret: adminPassword,
				},
			},
		]) {
			const r = await call("/registries", { method: "POST", json: body });
			expect(r.status, await r.clone().text()).toBe(201);
			const id = Number(r.headers.get("location")!.split("/").pop());
			const p = await call("/projects", {
				method: "POST",
				json: {
					project_name: `${body.name}-cache`,
					registry_id: id,
					metadata: { public: "true" },
				},
			});
			expect(p.status, await p.clone().text()).toBe(201);
		}
	}, 120_000);
	afterAll(async () => {
		await Promise.all([
			stopTestServer(s),
			upstreamStopped ? undefined : stopTestServer(upstream),
			c?.cleanup(),
		]);
	});

	it("pulls one platform of a multi-arch image through a Wharf: the index keeps its digest and tag, with the platform pulled", async () => {
		// skopeo without --all reads the index, then only this machine's platform (amd64).
		await pull("wharf-cache/library/app:1");
		const inspected = await c.skopeo(
			"inspect",
			"--raw",
			"--tls-verify=false",
			"--creds",
			creds,
			`docker://${hostOf(s)}/wharf-cache/library/app:1`,
		);
		expect(inspected.ok, inspected.stderr).toBe(true);
		expect(JSON.parse(inspected.stdout)).toMatchObject({
			manifests: [{ digest: amd64 }, {}],
		});
		await waitFor("the index cached with its tag", async () =>
			(await artifacts("wharf-cache", "library/app")).some(
				(a) => a.digest === index && a.tags?.some((t) => t.name === "1"),
			),
		);
		const cached = await artifacts("wharf-cache", "library/app");
		const top = cached.find((a) => a.digest === index)!;
		expect(top.references?.map((r) => r.child_digest)).toEqual([amd64]);
	});

	it("answers the referrers API from the upstream when proxy_referrer_api is on, from the cache otherwise", async () => {
		// An SBOM-like artifact whose subject is the amd64 image, pushed to the upstream by hand.
		const auth = {
			Authorization: `Basic ${Buffer.from(creds).toString("base64")}`,
		};
		const empty = Buffer.from("{}");
		const emptyDigest = `sha256:${createHash("sha256").update(empty).digest("hex")}`;
		const blob = await fetch(
			`${upstream.url}/v2/library/app/blobs/uploads/?digest=${emptyDigest}`,
			{
				method: "POST",
				headers: { ...auth, "Content-Type": "application/octet-stream" },
				body: empty,
			},
		);
		expect(blob.status).toBe(201);
		const descriptor = {
			mediaType: "application/vnd.oci.empty.v1+json",
			digest: emptyDigest,
			size: 2,
		};
		const sbom = Buffer.from(
			JSON.stringify({
				schemaVersion: 2,
				mediaType: "application/vnd.oci.image.manifest.v1+json",
				artifactType: "application/vnd.example.sbom",
				config: descriptor,
				layers: [descriptor],
				subject: {
					mediaType: "application/vnd.oci.image.manifest.v1+json",
					digest: amd64,
					size: 1,
				},
			}),
		);
		const sbomDigest = `sha256:${createHash("sha256").update(sbom).digest("hex")}`;
		const put = await fetch(
			`${upstream.url}/v2/library/app/manifests/${sbomDigest}`,
			{
				method: "PUT",
				headers: {
					...auth,
					"Content-Type": "application/vnd.oci.image.manifest.v1+json",
				},
				body: sbom,
			},
		);
		expect(put.status).toBe(201);

		const referrers = async (p: string) =>
			(await (
				await fetch(`${s.url}/v2/${p}/library/app/referrers/${amd64}`, {
					headers: auth,
				})
			).json()) as { manifests: { digest: string; artifactType?: string }[] };
		expect((await referrers("wharf-cache")).manifests).toEqual([]);
		expect(
			(
				await call("/projects/wharf-cache", {
					method: "PUT",
					json: { metadata: { proxy_referrer_api: "true" } },
				})
			).status,
		).toBe(200);
		await waitFor(
			"the referrers asked upstream",
			async () => (await referrers("wharf-cache")).manifests.length === 1,
			15_000,
		);
		expect((await referrers("wharf-cache")).manifests[0]).toMatchObject({
			digest: sbomDigest,
			artifactType: "application/vnd.example.sbom",
		});
	});

	it("serves Docker Hub official images at <project>/<name> from <project>/library/<name>", async () => {
		expect(await pull("hub-cache/app:1", true)).toBe(index);
		await waitFor("the image cached under library/", async () =>
			(await artifacts("hub-cache", "library/app")).some(
				(a) => a.digest === index && a.tags?.some((t) => t.name === "1"),
			),
		);
		const repos = (await (
			await call("/projects/hub-cache/repositories")
		).json()) as { name: string }[];
		expect(repos.map((r) => r.name)).toEqual(["hub-cache/library/app"]);
		// podman, as a cluster's nodes would pull it, anonymously from the public proxy project (an empty auth file).
		await writeFile(c.authfile, '{"auths":{}}');
		const podman = await c.podman(
			"pull",
			"--tls-verify=false",
			`${hostOf(s)}/hub-cache/app:1`,
		);
		expect(podman.ok, podman.stderr).toBe(true);
		const images = await c.podman(
			"images",
			"--format",
			"{{.Digest}}",
			`${hostOf(s)}/hub-cache/app:1`,
		);
		expect(images.stdout.trim()).toBe(index);
		// Both names answer, from the cache, once the upstream is gone.
		await stopTestServer(upstream);
		upstreamStopped = true;
		await new Promise((r) => setTimeout(r, 700)); // past the tag-check window
		expect(await pull("hub-cache/app:1", true)).toBe(index);
		expect(await pull("hub-cache/library/app:1", true)).toBe(index);
		expect(await pull("wharf-cache/library/app:1")).toBeTruthy();
	});
});
