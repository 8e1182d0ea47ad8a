import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** systeminfo, health, ping. */
export function createSystemRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
