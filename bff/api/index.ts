import express, { Router } from 'express';
import type { ApiDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { readOnlyApi } from './configurations/read-only.ts';
import { createProjectsRouter } from './projects/router.ts';
import { createQuotasRouter } from './quotas/router.ts';
import { createSearchRouter } from './search/router.ts';
import { createRepositoriesRouter } from './repositories/router.ts';
import { createArtifactsRouter } from './artifacts/router.ts';
import { createLabelsRouter } from './labels/router.ts';
import { createUsersRouter } from './users/router.ts';
import { createMembersRouter } from './members/router.ts';
import { createRobotsRouter } from './robots/router.ts';
import { createPermissionsRouter } from './permissions/router.ts';
import { createAuditLogsRouter } from './audit-logs/router.ts';
import { createSystemRouter } from './system/router.ts';
import { createConfigurationsRouter } from './configurations/router.ts';
import { createIconsRouter } from './icons/router.ts';
import { methodNotAllowed } from './method-not-allowed.ts';

/** `/api/v2.0`: one router per Harbor API tag, each guarded by the one policy. */
export function createApiRouter(deps: ApiDeps): Router {
  const api = Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(readOnlyApi(deps));
  api.use(createProjectsRouter(deps));
  api.use(createQuotasRouter(deps));
  api.use(createSearchRouter(deps));
  api.use(createRepositoriesRouter(deps));
  api.use(createArtifactsRouter(deps));
  api.use(createLabelsRouter(deps));
  api.use(createUsersRouter(deps));
  api.use(createMembersRouter(deps));
  api.use(createRobotsRouter(deps));
  api.use(createPermissionsRouter(deps));
  api.use(createAuditLogsRouter(deps));
  api.use(createSystemRouter(deps));
  api.use(createConfigurationsRouter(deps));
  api.use(createIconsRouter(deps));
  api.use(methodNotAllowed(api));
  api.use((req, _res, next) => next(notFound(`no such API: ${req.method} ${req.path}`)));
  return api;
}
