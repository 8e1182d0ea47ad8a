import path from "node:path/posix";
import type { ImageFiles } from "./layers.ts";

/** A package found in an image: its OSV ecosystem (with the OS release where it has one) and where it was read. */
export type Package = {
	ecosystem: string;
	name: string;
	version: string;
	/** The file it was read from, in the image. */
	path: string;
	/** The name (and version) advisories use when they differ: Debian's source package, Alpine's origin. */
	source?: { name: string; version?: string };
	arch?: string;
	license?: string;
	purl: string;
};

/** The image's operating system, from os-release. */
export type OsInfo = { id: string; versionId: string; prettyName: string };

/** The files the inventory reads; everything else in a layer streams past. */
export function wantedPath(p: string): boolean {
	if (
		p === "var/lib/dpkg/status" ||
		p === "lib/apk/db/installed" ||
		p === "etc/os-release" ||
		p === "usr/lib/os-release"
	)
		return true;
	if (/^var\/lib\/dpkg\/status\.d\/[^/]+$/.test(p))
		return !p.endsWith(".md5sums");
	const base = path.basename(p);
	if (base === "package-lock.json") return !p.includes("node_modules/");
	if (base === "package.json")
		return /(^|\/)node_modules\/(@[^/]+\/)?[^/@.][^/]*\/package\.json$/.test(p);
	if (base === "METADATA") return /\.dist-info\/METADATA$/.test(p);
	if (base === "PKG-INFO") return /\.egg-info\/PKG-INFO$/.test(p);
	if (p.endsWith(".egg-info")) return true;
	if (base === "Cargo.lock" || base === "Gemfile.lock") return true;
	return /(^|\/)META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(p);
}

/** Splits Debian-control-style text (dpkg status, apk's installed db, RFC 822 headers) into paragraphs of fields. */
function paragraphs(text: string, sep = ":"): Map<string, string>[] {
	const out: Map<string, string>[] = [];
	let cur = new Map<string, string>();
	let last = "";
	for (const line of text.split(/\r?\n/)) {
		if (line.trim() === "") {
			if (cur.size) out.push(cur);
			cur = new Map();
			last = "";
			continue;
		}
		if (/^[ \t]/.test(line) && last) {
			cur.set(last, `${cur.get(last)}\n${line.trim()}`);
			continue;
		}
		const i = line.indexOf(sep);
		if (i <= 0) continue;
		last = line.slice(0, i);
		if (!cur.has(last)) cur.set(last, line.slice(i + 1).trim());
	}
	if (cur.size) out.push(cur);
	return out;
}

export function readOs(files: ImageFiles): OsInfo | undefined {
	const text = (
		files.read("etc/os-release") ?? files.read("usr/lib/os-release")
	)?.toString("utf8");
	if (!text) return undefined;
	const f = new Map<string, string>();
	for (const line of text.split(/\r?\n/)) {
		const m = /^([A-Z_]+)=("?)(.*)\2$/.exec(line.trim());
		if (m) f.set(m[1], m[3]);
	}
	return {
		id: f.get("ID") ?? "",
		versionId: f.get("VERSION_ID") ?? "",
		prettyName: f.get("PRETTY_NAME") ?? "",
	};
}

/** OSV's name for the OS's packages: `Debian:12`, `Alpine:v3.18`, `Ubuntu:22.04:LTS`; the bare name when unknown. */
export function osEcosystem(kind: "Debian" | "Alpine", os?: OsInfo): string {
	if (kind === "Alpine") {
		const m = os?.id === "alpine" ? /^(\d+)\.(\d+)/.exec(os.versionId) : null;
		return m ? `Alpine:v${m[1]}.${m[2]}` : "Alpine";
	}
	if (os?.id === "ubuntu" && os.versionId)
		return `Ubuntu:${os.versionId}${/LTS/.test(os.prettyName) ? ":LTS" : ""}`;
	if (os?.id === "debian" && /^\d+/.test(os.versionId))
		return `Debian:${/^\d+/.exec(os.versionId)![0]}`;
	return os?.id === "ubuntu" ? "Ubuntu" : "Debian";
}

const enc = encodeURIComponent;

function dpkg(
	text: string,
	file: string,
	ecosystem: string,
	os?: OsInfo,
): Package[] {
	const distro =
		os?.id && os.versionId ? `&distro=${os.id}-${os.versionId}` : "";
	return paragraphs(text).flatMap((p) => {
		const name = p.get("Package");
		const version = p.get("Version");
		const status = p.get("Status");
		// status.d files (distroless) carry no Status; the main database keeps removed packages too.
		if (
			!name ||
			!version ||
			(status !== undefined && !/ installed$/.test(status))
		)
			return [];
		const src = /^(\S+)(?:\s+\((\S+)\))?/.exec(p.get("Source") ?? "");
		const arch = p.get("Architecture");
		const vendor = ecosystem.startsWith("Ubuntu") ? "ubuntu" : "debian";
		return [
			{
				ecosystem,
				name,
				version,
				path: file,
				...(src
					? { source: { name: src[1], ...(src[2] ? { version: src[2] } : {}) } }
					: {}),
				...(arch ? { arch } : {}),
				purl: `pkg:deb/${vendor}/${enc(name)}@${enc(version)}${arch ? `?arch=${arch}${distro}` : distro ? `?${distro.slice(1)}` : ""}`,
			},
		];
	});
}

function apk(
	text: string,
	file: string,
	ecosystem: string,
	os?: OsInfo,
): Package[] {
	return paragraphs(text).flatMap((p) => {
		const name = p.get("P");
		const version = p.get("V");
		if (!name || !version) return [];
		const origin = p.get("o");
		const arch = p.get("A");
		const license = p.get("L");
		const q = [
			arch && `arch=${arch}`,
			os?.versionId && `distro=alpine-${os.versionId}`,
		].filter(Boolean);
		return [
			{
				ecosystem,
				name,
				version,
				path: file,
				...(origin && origin !== name ? { source: { name: origin } } : {}),
				...(arch ? { arch } : {}),
				...(license ? { license } : {}),
				purl: `pkg:apk/alpine/${enc(name)}@${enc(version)}${q.length ? `?${q.join("&")}` : ""}`,
			},
		];
	});
}

const npmPurl = (name: string, version: string) =>
	name.startsWith("@")
		? `pkg:npm/${enc(name.split("/")[0])}/${enc(name.split("/")[1] ?? "")}@${enc(version)}`
		: `pkg:npm/${enc(name)}@${enc(version)}`;

function npmLock(text: string, file: string): Package[] {
	let lock: {
		packages?: Record<
			string,
			{
				name?: string;
				version?: string;
				dev?: boolean;
				link?: boolean;
				license?: string;
			}
		>;
		dependencies?: Record<
			string,
			{ version?: string; dev?: boolean; dependencies?: unknown }
		>;
	};
	try {
		lock = JSON.parse(text);
	} catch {
		return [];
	}
	const out: Package[] = [];
	const add = (name: string, version: string, license?: string) =>
		out.push({
			ecosystem: "npm",
			name,
			version,
			path: file,
			...(license ? { license } : {}),
			purl: npmPurl(name, version),
		});
	if (lock.packages) {
		for (const [key, v] of Object.entries(lock.packages)) {
			if (!key || v.link || v.dev || !v.version) continue;
			const i = key.lastIndexOf("node_modules/");
			if (i < 0) continue;
			add(
				v.name ?? key.slice(i + "node_modules/".length),
				v.version,
				v.license,
			);
		}
		return out;
	}
	// lockfileVersion 1: nested dependencies.
	const walk = (deps: typeof lock.dependencies) => {
		for (const [name, v] of Object.entries(deps ?? {})) {
			if (v.version && !v.dev && !/^(file|git|https?):/.test(v.version))
				add(name, v.version);
			walk(v.dependencies as typeof lock.dependencies);
		}
	};
	walk(lock.dependencies);
	return out;
}

function npmPackageJson(text: string, file: string): Package[] {
	try {
		const p = JSON.parse(text) as {
			name?: unknown;
			version?: unknown;
			license?: unknown;
		};
		if (typeof p.name !== "string" || typeof p.version !== "string") return [];
		return [
			{
				ecosystem: "npm",
				name: p.name,
				version: p.version,
				path: file,
				...(typeof p.license === "string" ? { license: p.license } : {}),
				purl: npmPurl(p.name, p.version),
			},
		];
	} catch {
		return [];
	}
}

function pythonMetadata(text: string, file: string): Package[] {
	const head = paragraphs(text.split(/\r?\n\r?\n/)[0])[0];
	const name = head?.get("Name");
	const version = head?.get("Version");
	if (!name || !version) return [];
	const license = head.get("License-Expression") ?? head.get("License");
	return [
		{
			ecosystem: "PyPI",
			name,
			version,
			path: file,
			...(license && license !== "UNKNOWN" && !license.includes("\n")
				? { license }
				: {}),
			purl: `pkg:pypi/${enc(pypiName(name))}@${enc(version)}`,
		},
	];
}

/** PEP 503's normal form, how PyPI names compare. */
export const pypiName = (n: string) => n.toLowerCase().replace(/[-_.]+/g, "-");

function cargoLock(text: string, file: string): Package[] {
	const out: Package[] = [];
	for (const block of text.split(/^\[\[package\]\]\s*$/m).slice(1)) {
		const name = /^name\s*=\s*"([^"]+)"/m.exec(block)?.[1];
		const version = /^version\s*=\s*"([^"]+)"/m.exec(block)?.[1];
		if (name && version)
			out.push({
				ecosystem: "crates.io",
				name,
				version,
				path: file,
				purl: `pkg:cargo/${enc(name)}@${enc(version)}`,
			});
	}
	return out;
}

function gemfileLock(text: string, file: string): Package[] {
	const out: Package[] = [];
	let inSpecs = false;
	for (const line of text.split(/\r?\n/)) {
		if (/^\S/.test(line)) inSpecs = false;
		if (/^ {2}specs:$/.test(line)) {
			inSpecs = true;
			continue;
		}
		const m = inSpecs ? /^ {4}([^ ]+) \(([^)]+)\)$/.exec(line) : null;
		if (m) {
			// A platform gem's version carries its platform after a dash: 1.13.10-x86_64-linux.
			const version = m[2].replace(
				/-(x86|x64|arm|aarch|java|universal|mingw|darwin|linux).*$/,
				"",
			);
			out.push({
				ecosystem: "RubyGems",
				name: m[1],
				version,
				path: file,
				purl: `pkg:gem/${enc(m[1])}@${enc(version)}`,
			});
		}
	}
	return out;
}

function pomProperties(text: string, file: string): Package[] {
	const f = new Map<string, string>();
	for (const line of text.split(/\r?\n/)) {
		const m = /^\s*([\w.]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
		if (m && !line.trim().startsWith("#")) f.set(m[1], m[2]);
	}
	const g = f.get("groupId");
	const a = f.get("artifactId");
	const v = f.get("version");
	if (!g || !a || !v) return [];
	return [
		{
			ecosystem: "Maven",
			name: `${g}:${a}`,
			version: v,
			path: file,
			purl: `pkg:maven/${enc(g)}/${enc(a)}@${enc(v)}`,
		},
	];
}

/** Reads a varint-prefixed string, as Go writes build info inline (Go 1.18 and later). */
function goString(
	b: Buffer,
	at: number,
): { s: string; next: number } | undefined {
	let n = 0;
	let shift = 0;
	let i = at;
	for (; i < b.length && shift < 35; i++) {
		n |= (b[i] & 0x7f) << shift;
		shift += 7;
		if (!(b[i] & 0x80)) break;
	}
	i++;
	if (i + n > b.length) return undefined;
	return { s: b.subarray(i, i + n).toString("utf8"), next: i + n };
}

/** A Go binary's modules (and its Go version as `stdlib`), from the build info kept by the layer walker. */
export function goBinary(info: Buffer, file: string): Package[] {
	// 14 bytes of magic, the pointer size, flags (2: strings inline), padding to 32.
	if (info.length < 33 || !(info[15] & 2)) return [];
	const version = goString(info, 32);
	const mod = version && goString(info, version.next);
	if (!version || !mod) return [];
	const out: Package[] = [];
	const goVersion = /^go(\d+(?:\.\d+)*)/.exec(version.s)?.[1];
	if (goVersion)
		out.push({
			ecosystem: "Go",
			name: "stdlib",
			version: goVersion,
			path: file,
			purl: `pkg:golang/stdlib@${goVersion}`,
		});
	// The module text sits between two 16-byte sentinels.
	const text =
		mod.s.length >= 33 && mod.s[mod.s.length - 17] === "\n"
			? mod.s.slice(16, -16)
			: mod.s;
	for (const line of text.split("\n")) {
		const [kind, p, v] = line.split("\t");
		if ((kind === "mod" || kind === "dep") && p && v && v !== "(devel)")
			out.push({
				ecosystem: "Go",
				name: p,
				version: v,
				path: file,
				purl: `pkg:golang/${p}@${v}`,
			});
		else if (kind === "=>" && p && v && out.length > 0) {
			const last = out[out.length - 1];
			out[out.length - 1] = {
				...last,
				name: p,
				version: v,
				purl: `pkg:golang/${p}@${v}`,
			};
		}
	}
	return out;
}

/** Every package the image's files name: OS packages first, then languages', each once per ecosystem, name and version. */
export function inventory(files: ImageFiles): {
	os?: OsInfo;
	packages: Package[];
} {
	const os = readOs(files);
	const found: Package[] = [];
	const text = (p: string) => files.read(p)?.toString("utf8") ?? "";
	for (const p of files.paths()) {
		if (p === "var/lib/dpkg/status" || p.startsWith("var/lib/dpkg/status.d/"))
			found.push(...dpkg(text(p), p, osEcosystem("Debian", os), os));
		else if (p === "lib/apk/db/installed")
			found.push(...apk(text(p), p, osEcosystem("Alpine", os), os));
		else if (p.endsWith("package-lock.json"))
			found.push(...npmLock(text(p), p));
		else if (p.endsWith("/package.json"))
			found.push(...npmPackageJson(text(p), p));
		else if (
			p.endsWith(".dist-info/METADATA") ||
			p.endsWith(".egg-info/PKG-INFO") ||
			p.endsWith(".egg-info")
		)
			found.push(...pythonMetadata(text(p), p));
		else if (p.endsWith("Cargo.lock")) found.push(...cargoLock(text(p), p));
		else if (p.endsWith("Gemfile.lock")) found.push(...gemfileLock(text(p), p));
		else if (p.endsWith("pom.properties"))
			found.push(...pomProperties(text(p), p));
	}
	for (const [p, info] of files.goBinaries) found.push(...goBinary(info, p));
	const seen = new Set<string>();
	const packages = found.filter((x) => {
		const k = `${x.ecosystem}\0${x.name}\0${x.version}`;
		if (seen.has(k)) return false;
		seen.add(k);
		return true;
	});
	return { ...(os ? { os } : {}), packages };
}
