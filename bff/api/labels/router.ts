import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** label: global and project labels. */
export function createLabelsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
