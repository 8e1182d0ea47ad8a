import * as pep440 from "@renovatebot/pep440";
import semver from "semver";

/** Orders two versions of one ecosystem: negative, zero or positive, as `a` sorts before, with or after `b`. */
export type VersionOrder = (a: string, b: string) => number;

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

/**
 * Debian's ordering (deb-version(7), dpkg's verrevcmp): epoch, then upstream version, then revision, each compared as
 * alternating runs of non-digits (letters before other characters, `~` before everything, even the end) and numbers.
 */
export function compareDebian(a: string, b: string): number {
	const split = (v: string) => {
		const colon = v.indexOf(":");
		const epoch = colon > 0 ? Number.parseInt(v.slice(0, colon), 10) || 0 : 0;
		const rest = colon > 0 ? v.slice(colon + 1) : v;
		const dash = rest.lastIndexOf("-");
		return dash >= 0
			? { epoch, upstream: rest.slice(0, dash), revision: rest.slice(dash + 1) }
			: { epoch, upstream: rest, revision: "" };
	};
	const x = split(a);
	const y = split(b);
	if (x.epoch !== y.epoch) return sign(x.epoch - y.epoch);
	return verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision);
}

const isDigit = (c: string | undefined) =>
	c !== undefined && c >= "0" && c <= "9";
function order(c: string | undefined): number {
	if (c === undefined || isDigit(c)) return 0;
	if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
	if (c === "~") return -1;
	return c.charCodeAt(0) + 256;
}
function verrevcmp(a: string, b: string): number {
	let i = 0;
	let j = 0;
	while (i < a.length || j < b.length) {
		while (
			(i < a.length && !isDigit(a[i])) ||
			(j < b.length && !isDigit(b[j]))
		) {
			const ac = order(a[i]);
			const bc = order(b[j]);
			if (ac !== bc) return sign(ac - bc);
			i++;
			j++;
		}
		while (a[i] === "0") i++;
		while (b[j] === "0") j++;
		let firstDiff = 0;
		while (isDigit(a[i]) && isDigit(b[j])) {
			if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
			i++;
			j++;
		}
		if (isDigit(a[i])) return 1;
		if (isDigit(b[j])) return -1;
		if (firstDiff) return sign(firstDiff);
	}
	return 0;
}

/** apk's suffixes, in apk-tools' order: pre-releases before the release, patch levels after it. */
const apkSuffixes = [
	"alpha",
	"beta",
	"pre",
	"rc",
	"",
	"cvs",
	"svn",
	"git",
	"hg",
	"p",
];
const apkPattern =
	/^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

/**
 * Alpine's ordering (apk-tools' version.c): numbers by value (a later number with a leading zero as a fraction),
 * then the letter, then suffixes (`_alpha` < `_beta` < `_pre` < `_rc` < none < `_cvs` < `_svn` < `_git` < `_hg` <
 * `_p`, each with its number), then the `-rN` revision. A version apk would call invalid sorts by its text.
 */
export function compareAlpine(a: string, b: string): number {
	const pa = apkPattern.exec(a);
	const pb = apkPattern.exec(b);
	if (!pa || !pb) return sign(a.localeCompare(b));
	const na = pa[1].split(".");
	const nb = pb[1].split(".");
	for (let k = 0; k < Math.max(na.length, nb.length); k++) {
		if (na[k] === undefined) return -1;
		if (nb[k] === undefined) return 1;
		const c =
			k > 0 && (na[k].startsWith("0") || nb[k].startsWith("0"))
				? // apk compares a component with a leading zero as digits after a decimal point
					sign(Number(`0.${na[k]}`) - Number(`0.${nb[k]}`))
				: sign(Number(na[k]) - Number(nb[k]));
		if (c) return c;
	}
	if (pa[2] !== pb[2]) return pa[2] < pb[2] ? -1 : 1;
	const suffixes = (s: string) =>
		s
			.split("_")
			.slice(1)
			.map((x) => {
				const m = /^([a-z]+)(\d*)$/.exec(x)!;
				return { rank: apkSuffixes.indexOf(m[1]), n: Number(m[2] || 0) };
			});
	const sa = suffixes(pa[3]);
	const sb = suffixes(pb[3]);
	const none = { rank: apkSuffixes.indexOf(""), n: 0 };
	for (let k = 0; k < Math.max(sa.length, sb.length); k++) {
		const x = sa[k] ?? none;
		const y = sb[k] ?? none;
		if (x.rank !== y.rank) return sign(x.rank - y.rank);
		if (x.n !== y.n) return sign(x.n - y.n);
	}
	return sign(Number(pa[4] ?? 0) - Number(pb[4] ?? 0));
}

/** PEP 440, by @renovatebot/pep440; a version it cannot read sorts by its text. */
export function comparePep440(a: string, b: string): number {
	if (pep440.valid(a) && pep440.valid(b)) return sign(pep440.compare(a, b));
	return sign(a.localeCompare(b));
}

/** SemVer 2 (npm, crates.io, Go with its `v`), by `semver`, loosely read; what it cannot read sorts by its text. */
export function compareSemver(a: string, b: string): number {
	const x = semver.parse(a.replace(/^v/, ""), { loose: true });
	const y = semver.parse(b.replace(/^v/, ""), { loose: true });
	if (x && y) return x.compare(y);
	const cx = semver.coerce(a);
	const cy = semver.coerce(b);
	if (cx && cy && cx.compare(cy)) return cx.compare(cy);
	return sign(a.localeCompare(b));
}

/** RubyGems' Gem::Version: numeric and alphabetic segments; an alphabetic one marks a pre-release and sorts first. */
export function compareRubyGems(a: string, b: string): number {
	const segs = (v: string) => {
		const s = (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((x) =>
			/^\d/.test(x) ? Number(x) : x,
		);
		while (s.length > 1 && s[s.length - 1] === 0) s.pop();
		return s;
	};
	const x = segs(a.replace(/-/g, ".pre."));
	const y = segs(b.replace(/-/g, ".pre."));
	for (let k = 0; k < Math.max(x.length, y.length); k++) {
		const p = x[k] ?? 0;
		const q = y[k] ?? 0;
		if (p === q) continue;
		if (typeof p === "string" && typeof q === "number") return -1;
		if (typeof p === "number" && typeof q === "string") return 1;
		return p < q ? -1 : 1;
	}
	return 0;
}

/** Maven's ComparableVersion, in its common cases: numbers, then qualifiers (alpha < beta < milestone < rc < snapshot < release < sp). */
const mavenQualifiers = [
	"alpha",
	"beta",
	"milestone",
	"rc",
	"snapshot",
	"",
	"sp",
];
const mavenAliases: Record<string, string> = {
	a: "alpha",
	b: "beta",
	m: "milestone",
	cr: "rc",
	ga: "",
	final: "",
	release: "",
};
export function compareMaven(a: string, b: string): number {
	const items = (v: string) =>
		(v.toLowerCase().match(/[0-9]+|[a-z]+/g) ?? []).map((x) =>
			/^\d/.test(x) ? Number(x) : (mavenAliases[x] ?? x),
		);
	const x = items(a);
	const y = items(b);
	const rank = (q: string) => {
		const i = mavenQualifiers.indexOf(q);
		return i >= 0 ? i : mavenQualifiers.length;
	};
	for (let k = 0; k < Math.max(x.length, y.length); k++) {
		const p = x[k] ?? (typeof y[k] === "number" ? 0 : "");
		const q = y[k] ?? (typeof x[k] === "number" ? 0 : "");
		if (p === q) continue;
		if (typeof p === "number" && typeof q === "number") return sign(p - q);
		// A number outranks any qualifier (1.0-sp1 < 1.0.1).
		if (typeof p === "number") return 1;
		if (typeof q === "number") return -1;
		if (rank(p) !== rank(q)) return sign(rank(p) - rank(q));
		return p < q ? -1 : 1;
	}
	return 0;
}

/** The ordering of an OSV ecosystem (`Debian:12` orders as Debian). */
export function orderOf(ecosystem: string): VersionOrder {
	const base = ecosystem.split(":")[0];
	switch (base) {
		case "Debian":
		case "Ubuntu":
			return compareDebian;
		case "Alpine":
			return compareAlpine;
		case "PyPI":
			return comparePep440;
		case "RubyGems":
			return compareRubyGems;
		case "Maven":
			return compareMaven;
		default:
			return compareSemver;
	}
}
