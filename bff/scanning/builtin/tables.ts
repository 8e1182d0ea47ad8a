import type { Generated } from "kysely";

/** The OSV database's tables (migration 0028). Times are ISO-8601 UTC strings; lists are JSON text. */
export interface OsvAdvisoriesTable {
	id: string;
	modified: string;
	published: string | null;
	withdrawn: string | null;
	aliases: string;
	summary: string;
	details: string;
	/** Harbor's word: Unknown, Low, Medium, High, Critical. */
	severity: string;
	cvss_vector: string | null;
	cvss_score: number | null;
	links: string;
	cwe_ids: string;
}

export interface OsvAffectedTable {
	id: Generated<number>;
	advisory_id: string;
	/** OSV's, with the release: `Debian:11`, `Alpine:v3.17`, `npm`. */
	ecosystem: string;
	/** The package's name as compared (PEP 503's form for PyPI). */
	name: string;
	ranges: string;
	versions: string;
	/** A severity the advisory gives this package alone (ecosystem_specific), in Harbor's word. */
	severity: string | null;
}

export interface OsvImportsTable {
	id: Generated<number>;
	source: string;
	status: "Running" | "Success" | "Error";
	read: number;
	changed: number;
	message: string;
	start_time: string;
	end_time: string | null;
}

/** Where the scheduled download fetches OSV's exports from (one row, id 1). */
export interface OsvSettingsTable {
	id: number;
	/** The root under which `<ecosystem>/all.zip` lives. */
	source_url: string;
	/** JSON: the ecosystems whose exports are fetched. */
	ecosystems: string;
	update_time: string;
}
