import { sql, type Kysely, type Transaction } from 'kysely';
import { now, type Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import type { SortKey } from '../harbor-query.ts';

/** No limit (Harbor's -1). */
export const unlimited = -1;

export type QuotaRow = {
  id: number; name: string; owner_name: string | null; hard: number; used: number; creation_time: string; update_time: string;
};

const sortColumns = { 'hard.storage': 'hard', 'used.storage': 'used' } as const;
export const quotaSortKeys = Object.keys(sortColumns);

/** SQL for project quotas. A project without a row has no limit; its quota shares the project's id. */
export function createQuotaStore(db: Db) {
  const base = () => db.selectFrom('projects')
    .leftJoin('quotas', 'quotas.project_id', 'projects.id')
    .leftJoin('users', 'users.id', 'projects.owner_id')
    .select([
      'projects.id', 'projects.name', 'users.username as owner_name',
      sql<number>`coalesce(quotas.hard_storage, ${unlimited})`.as('hard'),
      sql<string>`coalesce(quotas.creation_time, projects.creation_time)`.as('creation_time'),
      sql<string>`coalesce(quotas.update_time, projects.creation_time)`.as('update_time'),
    ]);
  // Bytes used: the project's distinct linked blobs (manifests included), each counted once. Per row for a page…
  const rows = () => base()
    .select((eb) => eb.selectFrom('project_blobs').innerJoin('blobs', 'blobs.digest', 'project_blobs.digest')
      .select(sql<number>`coalesce(sum(blobs.size), 0)`.as('used'))
      .whereRef('project_blobs.project_id', '=', 'projects.id').as('used'));
  // …and in one grouped pass when the order depends on every project's usage.
  const rowsByUsage = () => base()
    .leftJoin((eb) => eb.selectFrom('project_blobs').innerJoin('blobs', 'blobs.digest', 'project_blobs.digest')
      .select(['project_blobs.project_id', sql<number>`sum(blobs.size)`.as('bytes')])
      .groupBy('project_blobs.project_id').as('usage'), (join) => join.onRef('usage.project_id', '=', 'projects.id'))
    .select(sql<number>`coalesce(usage.bytes, 0)`.as('used'));
  // pg answers bigint sums as numeric strings.
  const toRow = (r: Omit<QuotaRow, 'used' | 'hard'> & { used: unknown; hard: unknown }): QuotaRow => ({ ...r, used: Number(r.used), hard: Number(r.hard) });

  return {
    async hardLimit(projectId: number): Promise<number> {
      const r = await db.selectFrom('quotas').select('hard_storage').where('project_id', '=', projectId).executeTakeFirst();
      return r ? Number(r.hard_storage) : unlimited;
    },

    async used(projectId: number): Promise<number> {
      const r = await db.selectFrom('project_blobs').innerJoin('blobs', 'blobs.digest', 'project_blobs.digest')
        .select(sql<number>`coalesce(sum(blobs.size), 0)`.as('used'))
        .where('project_blobs.project_id', '=', projectId).executeTakeFirstOrThrow();
      return Number(r.used);
    },

    /** Which of the digests already count in the project (pushing them again adds nothing). */
    counted: (projectId: number, digests: string[]) =>
      db.selectFrom('project_blobs').select('digest').where('project_id', '=', projectId).where('digest', 'in', digests)
        .execute().then((rows) => new Set(rows.map((r) => r.digest))),

    /** Sets a project's hard storage limit (creating its row). */
    async setHard(projectId: number, hard: number, tx: Kysely<Database> | Transaction<Database> = db) {
      const t = now();
      await tx.insertInto('quotas').values({ project_id: projectId, hard_storage: hard, creation_time: t, update_time: t })
        .onConflict((oc) => oc.column('project_id').doUpdateSet({ hard_storage: hard, update_time: t })).execute();
    },

    /** The quotas of several projects (a page of the project list), in one query. */
    async ofProjects(projectIds: number[]): Promise<QuotaRow[]> {
      if (projectIds.length === 0) return [];
      return (await rows().where('projects.id', 'in', projectIds).execute()).map(toRow);
    },

    async get(projectId: number): Promise<QuotaRow | undefined> {
      const r = await rows().where('projects.id', '=', projectId).executeTakeFirst();
      return r && toRow(r);
    },

    /** A page of project quotas; `projectId` narrows to one. Sorting by usage computes it for every project. */
    async list(projectId: number | undefined, sort: SortKey[], limit: number, offset: number) {
      let q = sort.some((s) => s.key === 'used.storage') ? rowsByUsage() : rows();
      if (projectId !== undefined) q = q.where('projects.id', '=', projectId);
      for (const s of sort) q = q.orderBy(sql.ref(sortColumns[s.key as keyof typeof sortColumns]), s.desc ? 'desc' : 'asc');
      let count = db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n'));
      if (projectId !== undefined) count = count.where('id', '=', projectId);
      const [page, total] = await Promise.all([
        q.orderBy('projects.id', 'desc').limit(limit).offset(offset).execute(),
        count.executeTakeFirstOrThrow(),
      ]);
      return { rows: page.map(toRow), total: Number(total.n) };
    },

    /** Bytes held by every blob the registry knows (statistics). */
    async totalStorage(): Promise<number> {
      const r = await db.selectFrom('blobs').select(sql<number>`coalesce(sum(size), 0)`.as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}

export type QuotaStore = ReturnType<typeof createQuotaStore>;
