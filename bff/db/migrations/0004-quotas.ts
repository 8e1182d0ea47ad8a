import type { Kysely } from 'kysely';

/** Tables for project quotas. */
export async function up(_db: Kysely<unknown>): Promise<void> {}
