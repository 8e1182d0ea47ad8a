import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** quota: list, get, update storage limits. */
export function createQuotasRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
