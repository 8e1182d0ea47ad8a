import type { Kysely } from 'kysely';

/** Tables for labels and artifact labels. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
