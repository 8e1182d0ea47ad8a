import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** configure: system configuration. */
export function createConfigurationsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
