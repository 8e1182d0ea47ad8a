import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { parsePage, sendPage } from '../pagination.ts';
import { authorizeProject } from '../project-guard.ts';

/** The `webhook` tag. No webhooks yet: every project has no policy, answered as Harbor does for a project without one. */
export function createWebhooksRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/projects/:project_name_or_id/webhook/policies', async (req, res) => {
    await authorizeProject(deps, req, req.params.project_name_or_id, 'notification-policy', 'list');
    sendPage(req, res, [], 0, parsePage(req));
  });

  return router;
}
