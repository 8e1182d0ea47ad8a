import type { AuditSink } from '../../core/access.ts';
import type { Db } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/sql-match.ts';
import { roleNames, type Principal, type RoleId } from '../../auth/policy.ts';
import { ApiError, notFound } from '../errors.ts';
import { createMemberStore, type MemberRecord } from './store.ts';

/** Harbor's ProjectMemberEntity. */
const entity = (m: MemberRecord) => ({
  id: m.id, project_id: m.project_id, entity_name: m.entity_name ?? '', entity_type: m.entity_type, entity_id: m.entity_id,
  role_id: m.role, role_name: roleNames[m.role as RoleId] ?? '',
});

type Project = { id: number; name: string };

/** The rules of the `member` tag, inside a project the router has already authorized. */
export function createMembersService(deps: { db: Db; audit: AuditSink }) {
  const store = createMemberStore(deps.db);
  const audit = (actor: Principal, project: Project, name: string, operation: string) =>
    deps.audit.record({ project: project.name, operator: actor.name, resource: `${project.name}/${name}`, resourceType: 'member', operation });
  const mustFind = async (project: Project, id: number) => {
    const m = await store.byId(project.id, id);
    if (!m) throw notFound(`member ${id} not found in project ${project.name}`);
    return m;
  };
  return {
    async list(project: Project, entityName: string | undefined, limit: number, offset: number) {
      const { rows, total } = await store.list(project.id, entityName, limit, offset);
      return { items: rows.map(entity), total };
    },
    get: async (project: Project, id: number) => entity(await mustFind(project, id)),

    async addUser(actor: Principal, project: Project, user: { user_id?: number; username?: string }, role: number): Promise<number> {
      let q = deps.db.selectFrom('users').select(['id', 'username']);
      q = user.user_id !== undefined ? q.where('id', '=', user.user_id) : q.where('username', '=', user.username ?? '');
      const found = await q.executeTakeFirst();
      if (!found) throw notFound(`user ${user.user_id ?? user.username} not found`);
      const conflict = () => new ApiError('CONFLICT', `${found.username} is already a member of project ${project.name}`);
      if (await store.userMembership(project.id, found.id)) throw conflict();
      try {
        const id = await store.addUser(project.id, found.id, role);
        audit(actor, project, found.username, 'create');
        return id;
      } catch (e) {
        if (isUniqueViolation(e)) throw conflict();
        throw e;
      }
    },
    async setRole(actor: Principal, project: Project, id: number, role: number) {
      const m = await mustFind(project, id);
      await store.setRole(id, role);
      audit(actor, project, m.entity_name ?? String(m.entity_id), 'update');
    },
    async remove(actor: Principal, project: Project, id: number) {
      const m = await mustFind(project, id);
      await store.remove(id);
      audit(actor, project, m.entity_name ?? String(m.entity_id), 'delete');
    },
  };
}
