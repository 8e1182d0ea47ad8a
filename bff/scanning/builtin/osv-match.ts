import { orderOf, type VersionOrder } from "./versions.ts";

/** One of OSV's `ranges`: its type and its events, as the advisory gives them. */
export type OsvRange = {
	type: string;
	events: {
		introduced?: string;
		fixed?: string;
		last_affected?: string;
		limit?: string;
	}[];
};

/** What an advisory says of one package: its ranges and its explicit versions. */
export type OsvAffected = { ranges: OsvRange[]; versions: string[] };

/**
 * Whether `version` is affected, and by which range's fix it is left behind (OSV's evaluation: events sorted by the
 * ecosystem's ordering, `introduced: "0"` first; the last event at or below the version decides). ECOSYSTEM ranges
 * use the ecosystem's ordering, SEMVER ranges SemVer's; GIT ranges name commits and cannot match a package version.
 * A version listed in `versions` is affected whatever the ranges say.
 */
export function affects(
	ecosystem: string,
	a: OsvAffected,
	version: string,
): { affected: false } | { affected: true; fixed?: string } {
	const ecosystemOrder = orderOf(ecosystem);
	let hit = a.versions.includes(version);
	let fixed: string | undefined;
	for (const r of a.ranges) {
		if (r.type !== "ECOSYSTEM" && r.type !== "SEMVER") continue;
		const cmp = r.type === "SEMVER" ? orderOf("npm") : ecosystemOrder;
		const f = inRange(r, version, cmp);
		if (f.affected) {
			hit = true;
			fixed ??= f.fixed;
		}
	}
	return hit
		? { affected: true, ...(fixed ? { fixed } : {}) }
		: { affected: false };
}

function inRange(
	r: OsvRange,
	version: string,
	cmp: VersionOrder,
): { affected: boolean; fixed?: string } {
	type Ev = { kind: "introduced" | "fixed" | "last_affected"; v: string };
	const events: Ev[] = [];
	for (const e of r.events) {
		if (e.introduced !== undefined)
			events.push({ kind: "introduced", v: e.introduced });
		if (e.fixed !== undefined) events.push({ kind: "fixed", v: e.fixed });
		if (e.last_affected !== undefined)
			events.push({ kind: "last_affected", v: e.last_affected });
	}
	const key = (e: Ev) => e.v;
	const sorted = [...events].sort((x, y) =>
		key(x) === "0"
			? key(y) === "0"
				? 0
				: -1
			: key(y) === "0"
				? 1
				: cmp(key(x), key(y)),
	);
	let affected = false;
	let at = -1;
	sorted.forEach((e, i) => {
		if (e.kind === "introduced" && (e.v === "0" || cmp(version, e.v) >= 0)) {
			affected = true;
			at = i;
		} else if (e.kind === "fixed" && cmp(version, e.v) >= 0) affected = false;
		else if (e.kind === "last_affected" && cmp(version, e.v) > 0)
			affected = false;
	});
	if (!affected) return { affected };
	// The fix is the first `fixed` after the introduction that made it vulnerable.
	const fix = sorted.slice(at + 1).find((e) => e.kind === "fixed");
	return { affected, ...(fix ? { fixed: fix.v } : {}) };
}
