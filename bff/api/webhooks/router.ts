import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { emptyProjectList } from '../projects/empty-list.ts';

/** The `webhook` tag. No webhooks yet: every project has no policy, answered as Harbor does for a project without one. */
export function createWebhooksRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/projects/:project_name_or_id/webhook/policies', emptyProjectList(deps, 'notification-policy'));
  return router;
}
