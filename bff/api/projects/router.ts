import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** project and projectMetadata: projects, their metadata, summary, deletable check. */
export function createProjectsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
