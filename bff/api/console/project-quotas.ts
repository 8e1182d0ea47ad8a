import { Router } from 'express';
import { z } from 'zod';
import { allowed, anonymous, canSeeProject } from '../../auth/policy.ts';
import type { ApiDeps } from '../deps.ts';
import { parseWith } from '../request-body.ts';
import { createQuotaStore } from '../quotas/store.ts';

const quotasQuery = z.object({
  project_id: z.string().regex(/^\d+(,\d+)*$/, 'project_id takes ids separated by commas')
    .transform((s) => [...new Set(s.split(',').map(Number))])
    .refine((ids) => ids.length <= 100, 'at most 100 project ids'),
});

/**
 * `GET /project-quotas?project_id=1,2`: the storage limit and use of a page of projects in one request, for the
 * projects where the caller may read the quota (Harbor's `/quotas` is for system admins only). Projects the caller may
 * not read are left out, as if they did not exist.
 */
export function createProjectQuotasRouter(deps: ApiDeps): Router {
  const router = Router();
  const quotas = createQuotaStore(deps.db);

  router.get('/project-quotas', async (req, res) => {
    const { project_id: ids } = parseWith(quotasQuery, req.query);
    const principal = req.principal ?? anonymous;
    const projects = await deps.access.projectsByIds(ids);
    const standings = await deps.access.standingsIn(principal, projects);
    const readable = projects.filter((p) => {
      const standing = standings.get(p.id)!;
      return canSeeProject(principal, standing) && allowed(principal, standing, 'quota', 'read');
    }).map((p) => p.id);
    const rows = await quotas.ofProjects(readable);
    res.json(rows.map((r) => ({ project_id: r.id, hard: { storage: r.hard }, used: { storage: r.used } })));
  });

  return router;
}
