import type { Selectable } from "kysely";
import type { Db } from "../db/database.ts";
import type { ScannerRegistrationsTable } from "./tables.ts";

export type ScannerRow = Selectable<ScannerRegistrationsTable>;

/** SQL for scanner registrations and the projects' choice of one. */
export function createScannerStore(db: Db) {
	const all = () => db.selectFrom("scanner_registrations").selectAll();
	return {
		/** Every registration (a handful at most), oldest first. */
		all: () => all().orderBy("id").execute(),
		byUuid: (uuid: string) => all().where("uuid", "=", uuid).executeTakeFirst(),
		defaultOne: () => all().where("is_default", "=", 1).executeTakeFirst(),
		count: () =>
			db
				.selectFrom("scanner_registrations")
				.select((eb) => eb.fn.countAll<number>().as("n"))
				.executeTakeFirstOrThrow()
				.then((r) => Number(r.n)),
		create: (r: Omit<ScannerRow, "id">) =>
			db
				.insertInto("scanner_registrations")
				.values(r)
				.returning("id")
				.executeTakeFirstOrThrow(),
		update: (
			id: number,
			patch: Partial<Omit<ScannerRow, "id" | "uuid" | "creation_time">>,
		) =>
			db
				.updateTable("scanner_registrations")
				.set(patch)
				.where("id", "=", id)
				.execute(),
		remove: (id: number) =>
			db.deleteFrom("scanner_registrations").where("id", "=", id).execute(),
		/** Makes `id` the one default (the unique column holds one 1). */
		makeDefault: (id: number, t: string) =>
			db.transaction().execute(async (tx) => {
				await tx
					.updateTable("scanner_registrations")
					.set({ is_default: null })
					.where("is_default", "=", 1)
					.execute();
				await tx
					.updateTable("scanner_registrations")
					.set({ is_default: 1, update_time: t })
					.where("id", "=", id)
					.execute();
			}),
		/** The project's own choice, if any. */
		ofProject: (projectId: number) =>
			db
				.selectFrom("project_scanners")
				.innerJoin(
					"scanner_registrations",
					"scanner_registrations.id",
					"project_scanners.registration_id",
				)
				.selectAll("scanner_registrations")
				.where("project_scanners.project_id", "=", projectId)
				.executeTakeFirst(),
		setForProject: (projectId: number, registrationId: number) =>
			db
				.insertInto("project_scanners")
				.values({ project_id: projectId, registration_id: registrationId })
				.onConflict((oc) =>
					oc
						.column("project_id")
						.doUpdateSet({ registration_id: registrationId }),
				)
				.execute(),
	};
}

export type ScannerStore = ReturnType<typeof createScannerStore>;
