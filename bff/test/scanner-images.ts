import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";

/** One entry of a layer: a file (text or bytes, optionally executable) or a symbolic link. */
export type LayerEntry =
	| { path: string; content: string | Buffer; mode?: number }
	| { path: string; symlink: string };

/** A gzipped tar layer made in the test, the way a build tool writes one (`./`-free paths, folders implied). */
export async function tarLayer(
	entries: LayerEntry[],
	gzip = true,
): Promise<Buffer> {
	const tar = pack();
	const chunks: Buffer[] = [];
	tar.on("data", (c) => chunks.push(c as Buffer));
	const ended = new Promise<void>((r) => tar.on("end", () => r()));
	for (const e of entries) {
		if ("symlink" in e)
			tar.entry({ name: e.path, type: "symlink", linkname: e.symlink });
		else
			tar.entry(
				{ name: e.path, mode: e.mode ?? 0o644 },
				Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content),
			);
	}
	tar.finalize();
	await ended;
	const raw = Buffer.concat(chunks);
	return gzip ? gzipSync(raw) : raw;
}

/** The bytes Go 1.18+ writes for a binary's build info (inline strings), inside some filler as a binary has. */
export function goBinary(
	goVersion: string,
	modules: [kind: "mod" | "dep", path: string, version: string][],
): Buffer {
	const varint = (n: number) => {
		const out: number[] = [];
		while (n >= 0x80) {
			out.push((n & 0x7f) | 0x80);
			n >>>= 7;
		}
		out.push(n);
		return Buffer.from(out);
	};
	const str = (s: string) =>
		Buffer.concat([varint(Buffer.byteLength(s)), Buffer.from(s)]);
	const sentinel = Buffer.from("3077af0c9274080241e1c107e6d618e6", "hex");
	const modText = `path\t${modules[0]?.[1] ?? "command-line-arguments"}\n${modules.map(([k, p, v]) => `${k}\t${p}\t${v}\th1:AAAA=\n`).join("")}`;
	const header = Buffer.alloc(32);
	Buffer.from("\xff Go buildinf:", "latin1").copy(header);
	header[14] = 8; // pointer size
	header[15] = 2; // strings inline
	return Buffer.concat([
		Buffer.from("\x7fELF", "latin1"),
		Buffer.alloc(70_000, 0x90), // the magic lies past the first read chunk
		header,
		str(goVersion),
		str(
			Buffer.concat([sentinel, Buffer.from(modText), sentinel]).toString(
				"latin1",
			),
		),
		Buffer.alloc(1000),
	]);
}

const osRelease = (id: string, versionId: string, pretty: string) =>
	`PRETTY_NAME="${pretty}"\nNAME="${pretty}"\nVERSION_ID="${versionId}"\nID=${id}\n`;

/**
 * A Debian 11 application image in three layers: the OS (dpkg status, os-release behind a symlink), the app (an npm
 * lock file, a module whose package.json is read, Python dist-infos, a Go binary), and a last layer that whites out
 * the module and makes the Python folder opaque, leaving one newer requests in it.
 */
export async function debianAppLayers(): Promise<Buffer[]> {
	const status = [
		"Package: zlib1g\nStatus: install ok installed\nPriority: required\nArchitecture: amd64\nMulti-Arch: same\nSource: zlib\nVersion: 1:1.2.11.dfsg-2+deb11u1\nDescription: compression library - runtime\n zlib is a library implementing the deflate compression method.",
		"Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.31-13+deb11u5\nDescription: GNU C Library: Shared libraries",
		"Package: oldzlib\nStatus: deinstall ok config-files\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.8.dfsg-5\nDescription: removed, its configuration kept",
	].join("\n\n");
	const lock = {
		name: "app",
		version: "1.0.0",
		lockfileVersion: 3,
		requires: true,
		packages: {
			"": {
				name: "app",
				version: "1.0.0",
				dependencies: { minimist: "^1.2.5", lodash: "^4.17.21" },
			},
			"node_modules/minimist": { version: "1.2.5", license: "MIT" },
			"node_modules/lodash": { version: "4.17.21", license: "MIT" },
			"node_modules/jest/node_modules/lodash": {
				version: "4.17.15",
				dev: true,
			},
		},
	};
	const metadata = (name: string, version: string) =>
		`Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: a package\nLicense: Apache 2.0\n\nLong description.\n`;
	return Promise.all([
		tarLayer([
			{
				path: "usr/lib/os-release",
				content: osRelease("debian", "11", "Debian GNU/Linux 11 (bullseye)"),
			},
			{ path: "etc/os-release", symlink: "../usr/lib/os-release" },
			{ path: "var/lib/dpkg/status", content: `${status}\n` },
			{ path: "bin/sh", content: "#!not really a shell\n", mode: 0o755 },
		]),
		tarLayer([
			{ path: "app/package-lock.json", content: JSON.stringify(lock) },
			{
				path: "app/node_modules/lodash/package.json",
				content: JSON.stringify({ name: "lodash", version: "4.17.20" }),
			},
			{
				path: "usr/lib/python3/dist-packages/requests-2.25.0.dist-info/METADATA",
				content: metadata("requests", "2.25.0"),
			},
			{
				path: "usr/lib/python3/dist-packages/certifi-2022.12.7.dist-info/METADATA",
				content: metadata("certifi", "2022.12.7"),
			},
			{
				path: "usr/local/bin/app",
				content: goBinary("go1.20.1", [
					["mod", "example.com/app", "(devel)"],
					["dep", "golang.org/x/text", "v0.3.7"],
				]),
				mode: 0o755,
			},
		]),
		tarLayer([
			{ path: "app/node_modules/.wh.lodash", content: "" },
			{ path: "usr/lib/python3/dist-packages/.wh..wh..opq", content: "" },
			{
				path: "usr/lib/python3/dist-packages/requests-2.30.0.dist-info/METADATA",
				content: metadata("requests", "2.30.0"),
			},
		]),
	]);
}

/** An Alpine 3.17 image in one layer: apk's installed database with OpenSSL's libraries and musl. */
export async function alpineLayers(): Promise<Buffer[]> {
	const pkg = (p: string, v: string, o: string) =>
		`C:Q1abc=\nP:${p}\nV:${v}\nA:x86_64\nS:1000\nI:2000\nT:${p}\nU:https://example.org\nL:Apache-2.0\no:${o}\nm:Someone <someone@example.org>\n`;
	return [
		await tarLayer([
			{
				path: "etc/os-release",
				content: osRelease("alpine", "3.17.2", "Alpine Linux v3.17"),
			},
			{
				path: "lib/apk/db/installed",
				content: [
					pkg("musl", "1.2.3-r4", "musl"),
					pkg("libcrypto3", "3.0.8-r0", "openssl"),
					pkg("libssl3", "3.0.8-r0", "openssl"),
				].join("\n"),
			},
		]),
	];
}
