import { describe, expect, it } from "vitest";
import { pullCommands, pushCommands } from "./pull-commands.ts";

const image = {
	project: "library",
	repo: "team/api",
	digest: "sha256:abc",
	tags: ["1.0"],
};

describe("pull commands", () => {
	it("asks podman to skip TLS over plain http, and docker for nothing on loopback", () => {
		const c = pullCommands(
			{ externalUrl: "http://127.0.0.1:8080", host: "127.0.0.1:8080" },
			image,
			"1.0",
		);
		expect(c.tools.podman.map((l) => l.text)).toEqual([
			"podman pull --tls-verify=false 127.0.0.1:8080/library/team/api:1.0",
			"podman pull --tls-verify=false 127.0.0.1:8080/library/team/api@sha256:abc",
		]);
		expect(c.tools.docker[0].text).toBe(
			"docker pull 127.0.0.1:8080/library/team/api:1.0",
		);
		expect(c.dockerNeedsInsecure).toBe(false);
	});

	it("tells docker users of a plain-http registry elsewhere to list it as insecure", () => {
		const c = pullCommands(
			{ externalUrl: "http://registry.lan:5000", host: "registry.lan:5000" },
			image,
			"1.0",
		);
		expect(c.dockerNeedsInsecure).toBe(true);
	});

	it("adds no flags over https, and offers only the digest when there is no tag", () => {
		const c = pullCommands(
			{ externalUrl: "https://wharf.example.com", host: "wharf.example.com" },
			{ ...image, tags: [] },
			undefined,
		);
		expect(c.tools.podman.map((l) => l.text)).toEqual([
			"podman pull wharf.example.com/library/team/api@sha256:abc",
		]);
		expect(c.logins.podman).toBe("podman login wharf.example.com");
		expect(c.dockerNeedsInsecure).toBe(false);
	});

	it("pulls a Helm chart with helm by its version, over plain http with --plain-http", () => {
		const c = pullCommands(
			{ externalUrl: "http://127.0.0.1:8080", host: "127.0.0.1:8080" },
			{ ...image, repo: "charts/demo", type: "CHART" },
			"0.1.0",
		);
		expect(c.tools).toEqual({
			helm: [
				{
					by: "tag",
					text: "helm pull oci://127.0.0.1:8080/library/charts/demo --version 0.1.0 --plain-http",
				},
			],
		});
		expect(c.logins).toEqual({
			helm: "helm registry login --insecure 127.0.0.1:8080",
		});
	});
});

describe("push commands", () => {
	it("tags and pushes into the project with each tool, with plain-http flags only over http", () => {
		const plain = pushCommands(
			{ externalUrl: "http://127.0.0.1:8080", host: "127.0.0.1:8080" },
			"team",
		);
		expect(plain.docker).toEqual([
			"docker tag SOURCE_IMAGE[:TAG] 127.0.0.1:8080/team/REPOSITORY[:TAG]",
			"docker push 127.0.0.1:8080/team/REPOSITORY[:TAG]",
		]);
		expect(plain.podman).toEqual([
			"podman push --tls-verify=false IMAGE_ID 127.0.0.1:8080/team/REPOSITORY[:TAG]",
		]);
		expect(plain.helm).toEqual([
			"helm package CHART_PATH",
			"helm push --plain-http CHART_PACKAGE oci://127.0.0.1:8080/team",
		]);
		expect(plain.oras[0]).toMatch(
			/^oras push --plain-http 127\.0\.0\.1:8080\/team\/REPOSITORY:TAG /,
		);
		const tls = pushCommands(
			{ externalUrl: "https://wharf.example.com", host: "wharf.example.com" },
			"team",
		);
		expect(tls.podman).toEqual([
			"podman push IMAGE_ID wharf.example.com/team/REPOSITORY[:TAG]",
		]);
		expect(tls.helm[1]).toBe(
			"helm push CHART_PACKAGE oci://wharf.example.com/team",
		);
		expect(tls.oras[0]).not.toContain("--plain-http");
	});
});
