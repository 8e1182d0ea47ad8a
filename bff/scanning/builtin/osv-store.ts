import type { Insertable, Selectable } from "kysely";
import { type Db, now } from "../../db/database.ts";
import type {
	OsvAdvisoriesTable,
	OsvAffectedTable,
	OsvImportsTable,
} from "./tables.ts";

export type AdvisoryRow = Selectable<OsvAdvisoriesTable>;
export type ImportRow = Selectable<OsvImportsTable>;
/** An advisory as imported: its row and the rows of the packages it affects. */
export type AdvisoryRecord = {
	advisory: Insertable<OsvAdvisoriesTable>;
	affected: Omit<Insertable<OsvAffectedTable>, "advisory_id">[];
};

/** OSV's public exports: `<source>/<ecosystem>/all.zip`. */
export const defaultOsvSource =
	"https://osv-vulnerabilities.storage.googleapis.com";
export const defaultOsvEcosystems = [
	"Debian",
	"Alpine",
	"Ubuntu",
	"npm",
	"PyPI",
	"Go",
	"crates.io",
	"RubyGems",
	"Maven",
];

const chunk = <T>(xs: T[], n: number) =>
	Array.from({ length: Math.ceil(xs.length / n) }, (_, i) =>
		xs.slice(i * n, i * n + n),
	);

/** SQL for the OSV database (migration 0028): advisories, the packages they affect, imports and where they come from. */
export function createOsvStore(db: Db) {
	return {
		/** Every advisory's `modified`, for an incremental import to skip what it already has. */
		async modifiedById(): Promise<Map<string, string>> {
			const rows = await db
				.selectFrom("osv_advisories")
				.select(["id", "modified"])
				.execute();
			return new Map(rows.map((r) => [r.id, r.modified]));
		},

		/** Replaces these advisories (and their affected packages) in one transaction. */
		async replace(records: AdvisoryRecord[]): Promise<void> {
			if (records.length === 0) return;
			await db.transaction().execute(async (tx) => {
				for (const ids of chunk(
					records.map((r) => r.advisory.id),
					500,
				)) {
					await tx
						.deleteFrom("osv_affected")
						.where("advisory_id", "in", ids)
						.execute();
					await tx
						.deleteFrom("osv_advisories")
						.where("id", "in", ids)
						.execute();
				}
				for (const part of chunk(records, 200))
					await tx
						.insertInto("osv_advisories")
						.values(part.map((r) => r.advisory))
						.execute();
				const affected = records.flatMap((r) =>
					r.affected.map((a) => ({ ...a, advisory_id: r.advisory.id })),
				);
				for (const part of chunk(affected, 400))
					await tx.insertInto("osv_affected").values(part).execute();
			});
		},

		/** The affected-package rows (with their advisory) of these packages, withdrawn advisories left out. */
		async lookup(keys: { ecosystem: string; name: string }[]) {
			const byEcosystem = new Map<string, Set<string>>();
			for (const k of keys) {
				const names = byEcosystem.get(k.ecosystem) ?? new Set();
				names.add(k.name);
				byEcosystem.set(k.ecosystem, names);
			}
			const out = [];
			for (const [ecosystem, names] of byEcosystem)
				for (const part of chunk([...names], 500))
					out.push(
						...(await db
							.selectFrom("osv_affected")
							.innerJoin(
								"osv_advisories",
								"osv_advisories.id",
								"osv_affected.advisory_id",
							)
							.select([
								"osv_affected.ecosystem",
								"osv_affected.name",
								"osv_affected.ranges",
								"osv_affected.versions",
								"osv_affected.severity as package_severity",
								"osv_advisories.id",
								"osv_advisories.aliases",
								"osv_advisories.summary",
								"osv_advisories.details",
								"osv_advisories.severity",
								"osv_advisories.cvss_vector",
								"osv_advisories.cvss_score",
								"osv_advisories.links",
								"osv_advisories.cwe_ids",
							])
							.where("osv_affected.ecosystem", "=", ecosystem)
							.where("osv_affected.name", "in", part)
							.where("osv_advisories.withdrawn", "is", null)
							.orderBy("osv_advisories.id")
							.execute()),
					);
			return out;
		},

		startImport: (source: string) =>
			db
				.insertInto("osv_imports")
				.values({
					source,
					status: "Running",
					read: 0,
					changed: 0,
					message: "",
					start_time: now(),
				})
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => Number(r.id)),

		finishImport: (
			id: number,
			r: Pick<ImportRow, "status" | "read" | "changed" | "message">,
		) =>
			db
				.updateTable("osv_imports")
				.set({ ...r, end_time: now() })
				.where("id", "=", id)
				.execute(),

		/** Recent imports, newest first. */
		imports: (limit = 20) =>
			db
				.selectFrom("osv_imports")
				.selectAll()
				.orderBy("id", "desc")
				.limit(limit)
				.execute()
				.then((rows) =>
					rows.map((r) => ({
						...r,
						id: Number(r.id),
						read: Number(r.read),
						changed: Number(r.changed),
					})),
				),

		/** The database's age and size: when an import last succeeded, the newest advisory's `modified`, how many. */
		async status() {
			const [a, i] = await Promise.all([
				db
					.selectFrom("osv_advisories")
					.select((eb) => [
						eb.fn.countAll<number>().as("n"),
						eb.fn.max("modified").as("newest"),
					])
					.executeTakeFirstOrThrow(),
				db
					.selectFrom("osv_imports")
					.select((eb) => eb.fn.max("end_time").as("updated"))
					.where("status", "=", "Success")
					.executeTakeFirstOrThrow(),
			]);
			return {
				advisories: Number(a.n),
				newestModified: (a.newest as string | null) ?? null,
				updatedAt: (i.updated as string | null) ?? null,
			};
		},

		/** The stored settings row, undefined before the first start saved the defaults. */
		settingsRow: () =>
			db
				.selectFrom("osv_settings")
				.selectAll()
				.where("id", "=", 1)
				.executeTakeFirst(),

		async settings(): Promise<{ sourceUrl: string; ecosystems: string[] }> {
			const r = await db
				.selectFrom("osv_settings")
				.selectAll()
				.where("id", "=", 1)
				.executeTakeFirst();
			return r
				? {
						sourceUrl: r.source_url,
						ecosystems: JSON.parse(r.ecosystems) as string[],
					}
				: { sourceUrl: defaultOsvSource, ecosystems: defaultOsvEcosystems };
		},

		saveSettings: (s: { sourceUrl: string; ecosystems: string[] }) => {
			const values = {
				source_url: s.sourceUrl,
				ecosystems: JSON.stringify(s.ecosystems),
				update_time: now(),
			};
			return db
				.insertInto("osv_settings")
				.values({ id: 1, ...values })
				.onConflict((oc) => oc.column("id").doUpdateSet(values))
				.execute();
		},
	};
}

export type OsvStore = ReturnType<typeof createOsvStore>;
