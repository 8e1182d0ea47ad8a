import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { parsePage, sendPage } from '../pagination.ts';
import { authorizeProject } from '../project-guard.ts';

/**
 * The `immutable` tag. Wharf has no immutable tag rules yet, so every project has none, and says so as Harbor does for
 * such a project: harbor-cli's `project delete --force` lists them first and stops on anything but a list.
 */
export function createImmutableRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/projects/:project_name_or_id/immutabletagrules', async (req, res) => {
    await authorizeProject(deps, req, req.params.project_name_or_id, 'immutable-tag', 'list');
    sendPage(req, res, [], 0, parsePage(req));
  });

  return router;
}
