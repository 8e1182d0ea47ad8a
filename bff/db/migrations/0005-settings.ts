import type { Kysely } from 'kysely';

/** Tables for system configuration. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
