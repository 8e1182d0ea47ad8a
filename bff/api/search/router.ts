import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** search and statistic. */
export function createSearchRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
