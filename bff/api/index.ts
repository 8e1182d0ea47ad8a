import express, { Router } from 'express';
import type { ApiDeps } from './deps.ts';
import { notFound } from './errors.ts';
import { createUsersRouter } from './users.ts';

/** `/api/v2.0`: one router per Harbor API tag, each guarded by the one policy. */
export function createApiRouter(deps: ApiDeps): Router {
  const api = Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(createUsersRouter(deps));
  api.use((req, _res, next) => next(notFound(`no such API: ${req.method} ${req.path}`)));
  return api;
}
