import type { Db } from "../../db/database.ts";

/** SQL for the settings table: values are JSON text, one row per setting that differs from its default. */
export function createSettingsStore(db: Db) {
	return {
		async get(name: string): Promise<string | undefined> {
			return (
				await db
					.selectFrom("settings")
					.select("value")
					.where("name", "=", name)
					.executeTakeFirst()
			)?.value;
		},
		async all(): Promise<{ name: string; value: string }[]> {
			return db.selectFrom("settings").select(["name", "value"]).execute();
		},
		/** Writes several settings at once, so a PUT applies all of its keys or none. */
		async put(values: Record<string, string>, time: string): Promise<void> {
			await db.transaction().execute(async (tx) => {
				for (const [name, value] of Object.entries(values)) {
					await tx
						.insertInto("settings")
						.values({ name, value, update_time: time })
						.onConflict((oc) =>
							oc.column("name").doUpdateSet({ value, update_time: time }),
						)
						.execute();
				}
			});
		},
		/** Writes the settings that have no row yet. Looked up first: a start writes nothing it need not (a full disk fails a write). */
		async putMissing(
			values: Record<string, string>,
			time: string,
		): Promise<void> {
			const names = Object.keys(values);
			if (names.length === 0) return;
			const present = new Set(
				(
					await db
						.selectFrom("settings")
						.select("name")
						.where("name", "in", names)
						.execute()
				).map((r) => r.name),
			);
			const rows = names
				.filter((n) => !present.has(n))
				.map((name) => ({ name, value: values[name], update_time: time }));
			if (rows.length)
				await db
					.insertInto("settings")
					.values(rows)
					.onConflict((oc) => oc.column("name").doNothing())
					.execute();
		},
	};
}
