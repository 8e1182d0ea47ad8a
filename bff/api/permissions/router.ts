import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** permissions: what the current caller may do. */
export function createPermissionsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
