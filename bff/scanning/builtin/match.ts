import type { Severity } from "./cvss.ts";
import { severityOrder } from "./cvss.ts";
import type { Package } from "./inventory.ts";
import { nameKey } from "./osv-import.ts";
import { affects, type OsvRange } from "./osv-match.ts";
import type { OsvStore } from "./osv-store.ts";

/** One finding, as Harbor's vulnerability report lists it. */
export type VulnerabilityItem = {
	id: string;
	package: string;
	version: string;
	fix_version: string;
	severity: Severity;
	description: string;
	links: string[];
	preferred_cvss?: { score_v3: number; vector_v3: string };
	cwe_ids: string[];
	vendor_attributes: {
		osv_id: string;
		aliases: string[];
		ecosystem: string;
		path: string;
		purl: string;
	};
};

/** The CVE an advisory is known by, as allowlists name it: its id, an alias, or the CVE a distribution's id wraps. */
function cveOf(id: string, aliases: string[]): string {
	if (/^CVE-\d+-\d+$/.test(id)) return id;
	const alias = aliases.find((a) => /^CVE-\d+-\d+$/.test(a));
	if (alias) return alias;
	const wrapped = /^[A-Z]+-(CVE-\d+-\d+)$/.exec(id);
	return wrapped ? wrapped[1] : id;
}

/**
 * The advisories of the OSV database that affect these packages, each package by the name and version its advisories
 * use (a Debian binary by its source package), compared in its ecosystem's ordering. One finding per advisory and
 * package; worst first.
 */
export async function findVulnerabilities(
	store: OsvStore,
	packages: Package[],
): Promise<VulnerabilityItem[]> {
	const key = (p: Package) => ({
		ecosystem: p.ecosystem,
		name: nameKey(p.ecosystem, p.source?.name ?? p.name),
	});
	const rows = await store.lookup(packages.map(key));
	const byPackage = new Map<string, typeof rows>();
	for (const r of rows) {
		const k = `${r.ecosystem}\0${r.name}`;
		byPackage.set(k, [...(byPackage.get(k) ?? []), r]);
	}
	const out = new Map<string, VulnerabilityItem>();
	for (const p of packages) {
		const k = key(p);
		const version = p.source?.version ?? p.version;
		for (const r of byPackage.get(`${k.ecosystem}\0${k.name}`) ?? []) {
			const hit = affects(
				p.ecosystem,
				{
					ranges: JSON.parse(r.ranges) as OsvRange[],
					versions: JSON.parse(r.versions) as string[],
				},
				version,
			);
			if (!hit.affected) continue;
			const id = `${r.id}\0${p.ecosystem}\0${p.name}\0${p.version}`;
			const seen = out.get(id);
			if (seen && (seen.fix_version || !hit.fixed)) continue;
			const aliases = JSON.parse(r.aliases) as string[];
			out.set(id, {
				id: cveOf(r.id, aliases),
				package: p.name,
				version: p.version,
				fix_version: hit.fixed ?? "",
				severity: (r.package_severity ?? r.severity) as Severity,
				description: r.summary || r.details,
				links: JSON.parse(r.links) as string[],
				...(r.cvss_vector && r.cvss_score !== null
					? {
							preferred_cvss: {
								score_v3: Number(r.cvss_score),
								vector_v3: r.cvss_vector,
							},
						}
					: {}),
				cwe_ids: JSON.parse(r.cwe_ids) as string[],
				vendor_attributes: {
					osv_id: r.id,
					aliases,
					ecosystem: p.ecosystem,
					path: p.path,
					purl: p.purl,
				},
			});
		}
	}
	const rank = (s: string) => severityOrder.indexOf(s as Severity);
	return [...out.values()].sort(
		(a, b) =>
			rank(b.severity) - rank(a.severity) ||
			a.id.localeCompare(b.id) ||
			a.package.localeCompare(b.package),
	);
}

/** The worst severity of a list, Harbor's "None" when empty. */
export function worstOf(items: { severity: string }[]): string {
	let worst = -1;
	for (const v of items)
		worst = Math.max(worst, severityOrder.indexOf(v.severity as Severity));
	return worst < 0 ? "None" : severityOrder[worst];
}
