import { type RawBuilder, sql } from "kysely";

/** Harbor's fuzzy match (`k=~v`): a case-insensitive substring, with `%`, `_` and `\` in the value taken literally. */
export function containsIgnoringCase(
	column: string,
	value: string,
): RawBuilder<boolean> {
	const pattern = `%${value.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	return sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`;
}

/** A unique constraint refused the write (SQLite and Postgres), so the caller can answer 409. */
export function isUniqueViolation(e: unknown): boolean {
	const err = e as { code?: string };
	return (
		err?.code === "23505" ||
		err?.code === "SQLITE_CONSTRAINT_UNIQUE" ||
		err?.code === "SQLITE_CONSTRAINT_PRIMARYKEY"
	);
}

/** A foreign key refused the write (SQLite and Postgres): the row it names went meanwhile. */
export function isForeignKeyViolation(e: unknown): boolean {
	const err = e as { code?: string };
	return err?.code === "23503" || err?.code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
