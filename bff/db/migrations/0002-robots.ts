import type { Kysely } from 'kysely';

/** Tables for robot accounts. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
