import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import {
	alpineLayers,
	debianAppLayers,
	tarLayer,
} from "../../test/scanner-images.ts";
import { inventory, wantedPath } from "./inventory.ts";
import { createLayerWalker } from "./layers.ts";

async function walk(layers: Buffer[]) {
	const w = createLayerWalker(wantedPath);
	// Small chunks, as a network would hand them over.
	for (const l of layers)
		await w.addLayer(
			Readable.from(
				(function* () {
					for (let i = 0; i < l.length; i += 1000)
						yield l.subarray(i, i + 1000);
				})(),
			),
		);
	return w.files();
}

const brief = (p: {
	ecosystem: string;
	name: string;
	version: string;
	source?: { name: string };
}) =>
	`${p.ecosystem} ${p.name}${p.source ? `(${p.source.name})` : ""} ${p.version}`;

describe("image inventory", () => {
	it("reads dpkg, npm, Python and Go across layers, honouring a whiteout and an opaque folder", async () => {
		const files = await walk(await debianAppLayers());
		const { os, packages } = inventory(files);
		expect(os).toEqual({
			id: "debian",
			versionId: "11",
			prettyName: "Debian GNU/Linux 11 (bullseye)",
		});
		expect(packages.map(brief).sort()).toEqual(
			[
				"Debian:11 zlib1g(zlib) 1:1.2.11.dfsg-2+deb11u1",
				"Debian:11 libc6(glibc) 2.31-13+deb11u5",
				"npm minimist 1.2.5",
				"npm lodash 4.17.21",
				"PyPI requests 2.30.0",
				"Go stdlib 1.20.1",
				"Go golang.org/x/text v0.3.7",
			].sort(),
		);
		// The lock's dev dependency, the removed dpkg package, the whited-out module and the opaque folder's old contents are gone.
		expect(files.paths()).not.toContain("app/node_modules/lodash/package.json");
		expect(files.paths().filter((p) => p.includes("dist-packages"))).toEqual([
			"usr/lib/python3/dist-packages/requests-2.30.0.dist-info/METADATA",
		]);
		expect(packages.find((p) => p.name === "zlib1g")).toMatchObject({
			path: "var/lib/dpkg/status",
			arch: "amd64",
			purl: "pkg:deb/debian/zlib1g@1%3A1.2.11.dfsg-2%2Bdeb11u1?arch=amd64&distro=debian-11",
		});
		expect(packages.find((p) => p.name === "golang.org/x/text")?.path).toBe(
			"usr/local/bin/app",
		);
	});

	it("without the whiteout layer, the module and the old Python packages are there", async () => {
		const [os, app] = await debianAppLayers();
		const names = inventory(await walk([os, app])).packages.map(brief);
		expect(names).toEqual(
			expect.arrayContaining([
				"npm lodash 4.17.20",
				"PyPI requests 2.25.0",
				"PyPI certifi 2022.12.7",
			]),
		);
	});

	it("reads apk's database with each package's origin and Alpine's release", async () => {
		const { packages } = inventory(await walk(await alpineLayers()));
		expect(packages.map(brief)).toEqual([
			"Alpine:v3.17 musl 1.2.3-r4",
			"Alpine:v3.17 libcrypto3(openssl) 3.0.8-r0",
			"Alpine:v3.17 libssl3(openssl) 3.0.8-r0",
		]);
		expect(packages[0]).toMatchObject({
			license: "Apache-2.0",
			purl: "pkg:apk/alpine/musl@1.2.3-r4?arch=x86_64&distro=alpine-3.17.2",
		});
	});

	it("reads Cargo.lock, Gemfile.lock, pom.properties, egg-info and distroless status.d, from plain tar too", async () => {
		const layer = await tarLayer(
			[
				{
					path: "var/lib/dpkg/status.d/openssl",
					content:
						"Package: libssl1.1\nVersion: 1.1.1n-0+deb11u4\nArchitecture: amd64\nSource: openssl\n",
				},
				{
					path: "var/lib/dpkg/status.d/openssl.md5sums",
					content: "abc  usr/lib/libssl.so\n",
				},
				{
					path: "src/Cargo.lock",
					content:
						'version = 3\n\n[[package]]\nname = "smallvec"\nversion = "1.6.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
				},
				{
					path: "srv/Gemfile.lock",
					content:
						"GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.13.10-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.2)\n\nPLATFORMS\n  x86_64-linux\n",
				},
				{
					path: "opt/lib/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
					content:
						"#Created by Maven\ngroupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n",
				},
				{
					path: "usr/lib/python3.9/site-packages/six-1.16.0-py3.9.egg-info/PKG-INFO",
					content: "Metadata-Version: 1.2\nName: six\nVersion: 1.16.0\n",
				},
			],
			false,
		);
		expect(inventory(await walk([layer])).packages.map(brief)).toEqual([
			"Maven org.apache.logging.log4j:log4j-core 2.14.1",
			"crates.io smallvec 1.6.0",
			"RubyGems nokogiri 1.13.10",
			"RubyGems racc 1.6.2",
			"PyPI six 1.16.0",
			"Debian libssl1.1(openssl) 1.1.1n-0+deb11u4",
		]);
	});
});
