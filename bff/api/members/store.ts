import { now, type Db } from '../../db/database.ts';
import { containsIgnoringCase } from '../../db/sql-match.ts';

export type MemberRecord = { id: number; project_id: number; entity_type: string; entity_id: number; role: number; entity_name: string | null };

/** Project members (users; groups have no table yet, so their names are unknown). */
export function createMemberStore(db: Db) {
  const base = (projectId: number, entityName?: string) => {
    let q = db.selectFrom('members')
      .leftJoin('users', (j) => j.onRef('users.id', '=', 'members.entity_id').on('members.entity_type', '=', 'u'))
      .where('members.project_id', '=', projectId);
    if (entityName) q = q.where(containsIgnoringCase('users.username', entityName));
    return q;
  };
  const columns = ['members.id', 'members.project_id', 'members.entity_type', 'members.entity_id', 'members.role', 'users.username as entity_name'] as const;
  return {
    async list(projectId: number, entityName: string | undefined, limit: number, offset: number) {
      const [rows, count] = await Promise.all([
        base(projectId, entityName).select(columns).orderBy('members.id').limit(limit).offset(offset).execute(),
        base(projectId, entityName).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows: rows as MemberRecord[], total: Number(count.n) };
    },
    byId: (projectId: number, id: number) =>
      base(projectId).select(columns).where('members.id', '=', id).executeTakeFirst() as Promise<MemberRecord | undefined>,
    async userMembership(projectId: number, userId: number) {
      return db.selectFrom('members').select('id').where('project_id', '=', projectId)
        .where('entity_type', '=', 'u').where('entity_id', '=', userId).executeTakeFirst();
    },
    async addUser(projectId: number, userId: number, role: number) {
      const t = now();
      const row = await db.insertInto('members').values({ project_id: projectId, entity_type: 'u', entity_id: userId, role, creation_time: t, update_time: t })
        .returning('id').executeTakeFirstOrThrow();
      return row.id;
    },
    async setRole(id: number, role: number) {
      await db.updateTable('members').set({ role, update_time: now() }).where('id', '=', id).execute();
    },
    async remove(id: number) {
      await db.deleteFrom('members').where('id', '=', id).execute();
    },
  };
}
