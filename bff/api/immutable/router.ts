import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';
import { emptyProjectList } from '../projects/empty-list.ts';

/**
 * The `immutable` tag. Wharf has no immutable tag rules yet, so every project has none, and says so as Harbor does for
 * such a project: harbor-cli's `project delete --force` lists them first and stops on anything but a list.
 */
export function createImmutableRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/projects/:project_name_or_id/immutabletagrules', emptyProjectList(deps, 'immutable-tag'));
  return router;
}
