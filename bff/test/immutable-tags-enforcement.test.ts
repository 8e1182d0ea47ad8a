import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addProject, api } from "./api-fixtures.ts";
import { client, expectError } from "./distribution-helpers.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";

type Tag = { name: string; immutable: boolean };

/**
 * Where a tag can change, each refusing what an enabled rule protects and nothing else: /v2 manifest PUT and DELETE,
 * and the API's artifact, tag and repository deletion, tag creation and copy.
 */
describe.each(engines)("immutable tags enforced on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	let reg: ReturnType<typeof client>;

	const addRule = async (
		project: string,
		tags: string,
		repos = "**",
		decorations: { tag?: string; repo?: string } = {},
	) => {
		const r = await call(`/projects/${project}/immutabletagrules`, {
			method: "POST",
			json: {
				tag_selectors: [
					{
						kind: "doublestar",
						decoration: decorations.tag ?? "matches",
						pattern: tags,
					},
				],
				scope_selectors: {
					repository: [
						{
							kind: "doublestar",
							decoration: decorations.repo ?? "repoMatches",
							pattern: repos,
						},
					],
				},
			},
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return Number(r.headers.get("location")!.split("/").pop());
	};
	/** Pushes a new image under `tag` and answers the status of the manifest PUT with the response. */
	const pushOver = async (repo: string, tag: string) => {
		const img = await reg.pushImage(repo, null);
		return { ...img, put: await reg.putManifest(repo, tag, img.body) };
	};
	const apiRefused = async (r: Response, message: string) => {
		expect(r.status, await r.clone().text()).toBe(412);
		expect(await r.json()).toEqual({
			errors: [{ code: "PRECONDITION", message }],
		});
	};

	beforeAll(async () => {
		s = await startTestServer(engine);
		call = api(s);
		reg = client(s);
	});
	afterAll(() => stopTestServer(s));

	it("refuses re-pointing a matched tag over /v2, allows the same manifest again, new tags and unmatched tags", async () => {
		await addProject(s, "push");
		const v1 = await reg.pushImage("push/app", "v1");
		const latest = await reg.pushImage("push/app", "latest");
		await addRule("push", "v*", "app");

		// The same manifest pushed again is no change.
		expect((await reg.putManifest("push/app", "v1", v1.body)).status).toBe(201);
		const moved = await pushOver("push/app", "v1");
		await expectError(moved.put.clone(), 403, "DENIED");
		expect(
			((await moved.put.json()) as { errors: { message: string }[] }).errors[0]
				.message,
		).toBe("The tag push/app:v1 is immutable, cannot be overwritten");
		expect(
			(
				await reg.call("/v2/push/app/manifests/v1", { method: "HEAD" })
			).headers.get("docker-content-digest"),
		).toBe(v1.digest);
		// ?tag= names more tags: one of them protected is enough to refuse the whole manifest.
		const extra = await reg.pushImage("push/app", null);
		await expectError(
			await reg.call(
				`/v2/push/app/manifests/${extra.digest}?tag=other&tag=v1`,
				{
					method: "PUT",
					body: extra.body,
					headers: {
						"Content-Type": "application/vnd.oci.image.manifest.v1+json",
					},
				},
			),
			403,
			"DENIED",
		);
		expect(
			(await reg.call("/v2/push/app/manifests/other", { method: "HEAD" }))
				.status,
		).toBe(404);

		// A tag the rule matches but that does not exist yet is pushed once; then it is held.
		expect((await pushOver("push/app", "v2")).put.status).toBe(201);
		await expectError((await pushOver("push/app", "v2")).put, 403, "DENIED");
		// Unmatched: another tag, or the same tag in a repository the rule does not name.
		expect((await pushOver("push/app", "latest")).put.status).toBe(201);
		expect(
			(
				await reg.call("/v2/push/app/manifests/latest", { method: "HEAD" })
			).headers.get("docker-content-digest"),
		).not.toBe(latest.digest);
		await reg.pushImage("push/other", "v1");
		expect((await pushOver("push/other", "v1")).put.status).toBe(201);
	});

	it("applies repoExcludes and excludes as inverses, and stops protecting once the rule is disabled or deleted", async () => {
		await addProject(s, "scope");
		for (const repo of ["scope/app", "scope/tools"])
			for (const tag of ["dev-1", "rel"]) await reg.pushImage(repo, tag);
		const id = await addRule("scope", "dev-*", "app", {
			tag: "excludes",
			repo: "repoExcludes",
		});
		// Protected: repositories other than app, tags other than dev-*.
		await expectError(
			(await pushOver("scope/tools", "rel")).put,
			403,
			"DENIED",
		);
		expect((await pushOver("scope/tools", "dev-1")).put.status).toBe(201);
		expect((await pushOver("scope/app", "rel")).put.status).toBe(201);

		const path = `/projects/scope/immutabletagrules/${id}`;
		const body = (disabled: boolean) => ({
			id,
			disabled,
			tag_selectors: [
				{ kind: "doublestar", decoration: "excludes", pattern: "dev-*" },
			],
			scope_selectors: {
				repository: [
					{ kind: "doublestar", decoration: "repoExcludes", pattern: "app" },
				],
			},
		});
		expect((await call(path, { method: "PUT", json: body(true) })).status).toBe(
			200,
		);
		expect((await pushOver("scope/tools", "rel")).put.status).toBe(201);
		expect(
			(await reg.call("/v2/scope/tools/manifests/rel", { method: "DELETE" }))
				.status,
		).toBe(202);
		await reg.pushImage("scope/tools", "rel");
		expect(
			(await call(path, { method: "PUT", json: body(false) })).status,
		).toBe(200);
		await expectError(
			(await pushOver("scope/tools", "rel")).put,
			403,
			"DENIED",
		);
		expect((await call(path, { method: "DELETE" })).status).toBe(200);
		expect((await pushOver("scope/tools", "rel")).put.status).toBe(201);
	});

	it("refuses /v2 deletion of a matched tag, and of a manifest by digest while any of its tags is matched", async () => {
		await addProject(s, "del");
		const held = await reg.pushImage("del/app", "v1");
		expect(
			(
				await call(
					`/projects/del/repositories/app/artifacts/${held.digest}/tags`,
					{ method: "POST", json: { name: "candidate" } },
				)
			).status,
		).toBe(201);
		const free = await reg.pushImage("del/app", "candidate-2");
		await addRule("del", "v*");

		const byTag = await reg.call("/v2/del/app/manifests/v1", {
			method: "DELETE",
		});
		expect(
			((await byTag.clone().json()) as { errors: { message: string }[] })
				.errors[0].message,
		).toBe("The tag del/app:v1 is immutable, cannot be deleted");
		await expectError(byTag, 403, "DENIED");
		await expectError(
			await reg.call(`/v2/del/app/manifests/${held.digest}`, {
				method: "DELETE",
			}),
			403,
			"DENIED",
		);
		// Its unmatched tag goes; a tag that does not exist is still unknown.
		expect(
			(await reg.call("/v2/del/app/manifests/candidate", { method: "DELETE" }))
				.status,
		).toBe(202);
		await expectError(
			await reg.call("/v2/del/app/manifests/v9", { method: "DELETE" }),
			404,
			"MANIFEST_UNKNOWN",
		);
		expect(
			(
				await reg.call(`/v2/del/app/manifests/${free.digest}`, {
					method: "DELETE",
				})
			).status,
		).toBe(202);
		expect(
			(
				await reg.call(`/v2/del/app/manifests/${held.digest}`, {
					method: "HEAD",
				})
			).status,
		).toBe(200);
	});

	it("answers the API's deletions, tag creation, copy and repository deletion with Harbor's 412, and marks tags immutable", async () => {
		await addProject(s, "apis");
		const held = await reg.pushImage("apis/app", "v1");
		const other = await reg.pushImage("apis/app", "dev");
		const source = await reg.pushImage("apis/src", "v1");
		await reg.pushImage("apis/free", "dev");
		await addRule("apis", "v*", "{app,src}");
		const artifacts = "/projects/apis/repositories/app/artifacts";

		await apiRefused(
			await call(`${artifacts}/${held.digest}`, { method: "DELETE" }),
			"The tag apis/app:v1 is immutable, cannot be deleted",
		);
		await apiRefused(
			await call(`${artifacts}/v1/tags/v1`, { method: "DELETE" }),
			"The tag apis/app:v1 is immutable, cannot be deleted",
		);
		// Naming v1 on another artifact would move it; on its own artifact it is the usual conflict.
		await apiRefused(
			await call(`${artifacts}/${other.digest}/tags`, {
				method: "POST",
				json: { name: "v1" },
			}),
			"The tag apis/app:v1 is immutable, cannot be overwritten",
		);
		expect(
			(
				await call(`${artifacts}/${held.digest}/tags`, {
					method: "POST",
					json: { name: "v1" },
				})
			).status,
		).toBe(409);
		// A new matching tag is made, and is then held.
		expect(
			(
				await call(`${artifacts}/${other.digest}/tags`, {
					method: "POST",
					json: { name: "v2" },
				})
			).status,
		).toBe(201);
		await apiRefused(
			await call(`${artifacts}/${other.digest}/tags/v2`, { method: "DELETE" }),
			"The tag apis/app:v2 is immutable, cannot be deleted",
		);

		// A copy onto the held tag is refused before anything is written; onto the same digest it is no change.
		await apiRefused(
			await call(`${artifacts}?from=apis/src:v1`, { method: "POST" }),
			"The tag apis/app:v1 is immutable, cannot be overwritten",
		);
		expect((await call(`${artifacts}/${source.digest}`)).status).toBe(404);
		expect(
			(
				await call(
					"/projects/apis/repositories/copy/artifacts?from=apis/app:v1",
					{ method: "POST" },
				)
			).status,
		).toBe(201);
		expect(
			(
				await call(
					"/projects/apis/repositories/app/artifacts?from=apis/app:v1",
					{ method: "POST" },
				)
			).status,
		).toBe(201);

		await apiRefused(
			await call("/projects/apis/repositories/app", { method: "DELETE" }),
			"The tag apis/app:v1 is immutable, cannot be deleted",
		);
		expect(
			(await call("/projects/apis/repositories/free", { method: "DELETE" }))
				.status,
		).toBe(200);

		const listed = (await (
			await call(`${artifacts}?with_tag=true&page_size=10`)
		).json()) as { digest: string; tags: Tag[] }[];
		const marks = Object.fromEntries(
			listed.flatMap((a) => a.tags.map((t) => [t.name, t.immutable])),
		);
		expect(marks).toEqual({ v1: true, v2: true, dev: false });
		const tags = (await (
			await call(`${artifacts}/${other.digest}/tags`)
		).json()) as Tag[];
		expect(tags.map((t) => [t.name, t.immutable]).sort()).toEqual([
			["dev", false],
			["v2", true],
		]);
		// Deleting an unmatched tag still works.
		expect(
			(
				await call(`${artifacts}/${other.digest}/tags/dev`, {
					method: "DELETE",
				})
			).status,
		).toBe(200);
	});
});
