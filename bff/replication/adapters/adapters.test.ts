import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type DistributionServer,
	startDistributionServer,
} from "../../test/distribution-server.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../../test/harness.ts";
import { adapterTypes } from "./by-type.ts";
import { harborAdapter } from "./harbor.ts";

const user = { username: "lister", password: "L1ster-pass" };
const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;

describe("adapters", () => {
	let wharf: TestServer;
	let distribution: DistributionServer;
	const types = () =>
		adapterTypes({
			dockerHub: { hubUrl: "https://hub.docker.com", registryUrl: wharf.url },
		});

	beforeAll(async () => {
		[wharf, distribution] = await Promise.all([
			startTestServer("sqlite"),
			startDistributionServer(user),
		]);
	}, 60_000);
	afterAll(async () => {
		await Promise.all([stopTestServer(wharf), distribution?.stop()]);
	});

	it("harbor: creates a missing project, then lists projects and repositories through the API", async () => {
		const a = harborAdapter({
			url: wharf.url,
			credential: { username: "admin", password: adminPassword },
		});
		try {
			await a.ping();
			const project = `dest-${randomBytes(3).toString("hex")}`;
			await a.ensureProject(project);
			await a.ensureProject(project); // already there: nothing to do
			expect(await a.projects()).toEqual(
				expect.arrayContaining(["library", project]),
			);
			const blob = Buffer.from("x");
			const digest = sha256(blob);
			await (await a.client()).putBlob(
				`${project}/app`,
				digest,
				Readable.from([blob]),
				1,
			);
			const manifest = Buffer.from(
				JSON.stringify({
					schemaVersion: 2,
					mediaType: "application/vnd.oci.image.manifest.v1+json",
					config: {
						mediaType: "application/vnd.oci.empty.v1+json",
						digest,
						size: 1,
					},
					layers: [],
				}),
			);
			await (await a.client()).putManifest(
				`${project}/app`,
				"v1",
				manifest,
				"application/vnd.oci.image.manifest.v1+json",
			);
			expect(await a.repositories()).toContain(`${project}/app`);
		} finally {
			await a.close();
		}
	});

	it("harbor: a user the remote does not know cannot create projects", async () => {
		const a = harborAdapter({
			url: wharf.url,
			credential: { username: "admin", password: "wrong" },
		});
		try {
			await expect(a.ensureProject("never")).rejects.toMatchObject({
				kind: "unauthorized",
			});
		} finally {
			await a.close();
		}
	});

	it("docker-registry: lists repositories from the catalog", async () => {
		const a = types()
			.get("docker-registry")!
			.create({ url: distribution.url, credential: user });
		try {
			const blob = Buffer.from("{}");
			const digest = sha256(blob);
			await (await a.client()).putBlob(
				"team/app",
				digest,
				Readable.from([blob]),
				blob.length,
			);
			const manifest = Buffer.from(
				JSON.stringify({
					schemaVersion: 2,
					mediaType: "application/vnd.oci.image.manifest.v1+json",
					config: {
						mediaType: "application/vnd.oci.image.config.v1+json",
						digest,
						size: blob.length,
					},
					layers: [],
				}),
			);
			await (await a.client()).putManifest(
				"team/app",
				"v1",
				manifest,
				"application/vnd.oci.image.manifest.v1+json",
			);
			expect(await a.repositories()).toEqual(["team/app"]);
		} finally {
			await a.close();
		}
	});

	it("docker-hub: speaks to the registry its settings name, not the Hub URL the endpoint shows", async () => {
		const a = types()
			.get("docker-hub")!
			.create({
				url: "https://hub.docker.com",
				credential: { username: "admin", password: adminPassword },
			});
		try {
			await a.ping();
			expect((await a.client()).url).toBe(wharf.url);
		} finally {
			await a.close();
		}
	});

	it("every other type pings through the v2 flow of the URL it is given", async () => {
		for (const type of [
			"github-ghcr",
			"quay",
			"gitlab",
			"google-gcr",
			"azure-acr",
			"jfrog-artifactory",
		]) {
			const ok = types()
				.get(type)!
				.create({ url: distribution.url, credential: user });
			const refused = types()
				.get(type)!
				.create({
					url: distribution.url,
					credential: { ...user, password: "wrong" },
				});
			try {
				await ok.ping();
				await expect(refused.ping(), type).rejects.toMatchObject({
					kind: "unauthorized",
				});
			} finally {
				await Promise.all([ok.close(), refused.close()]);
			}
		}
	});

	it("aws-ecr: trades the access key for a registry password at the ECR API, then speaks to the registry it names", async () => {
		const calls: string[] = [];
		const ecrApi = http.createServer((req, res) => {
			calls.push(String(req.headers["x-amz-target"]));
			res.setHeader("content-type", "application/x-amz-json-1.1");
			if (String(req.headers.authorization).includes("Credential=AKIAWRONG/")) {
				res.writeHead(400).end(
					JSON.stringify({
						__type: "UnrecognizedClientException",
						message: "The security token included in the request is invalid.",
					}),
				);
				return;
			}
			res.end(
				JSON.stringify({
					authorizationData: [
						{
							authorizationToken: Buffer.from(
								`${user.username}:${user.password}`,
							).toString("base64"),
							expiresAt: Math.floor(Date.now() / 1000) + 43_200,
							proxyEndpoint: distribution.url,
						},
					],
				}),
			);
		});
		await new Promise<void>((r) => ecrApi.listen(0, "127.0.0.1", r));
		const ecrTypes = adapterTypes({
			awsEcr: {
				apiEndpoint: `http://127.0.0.1:${(ecrApi.address() as AddressInfo).port}`,
			},
		});
		const ok = ecrTypes.get("aws-ecr")!.create({
			url: "https://api.ecr.eu-west-1.amazonaws.com",
			credential: { username: "AKIARIGHT", password: "secret" },
		});
		const refused = ecrTypes.get("aws-ecr")!.create({
			url: "https://api.ecr.eu-west-1.amazonaws.com",
			credential: { username: "AKIAWRONG", password: "secret" },
		});
		try {
			await ok.ping();
			await ok.ping();
			expect((await ok.client()).url).toBe(distribution.url);
			expect(calls).toEqual([
				"AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken",
			]);
			await expect(refused.ping()).rejects.toMatchObject({
				kind: "unauthorized",
				message: expect.stringMatching(/AWS refused the access key AKIAWRONG/),
			});
		} finally {
			await Promise.all([ok.close(), refused.close()]);
			await new Promise<void>((r) => {
				ecrApi.closeAllConnections();
				ecrApi.close(() => r());
			});
		}
	});
});
