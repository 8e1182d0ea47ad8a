import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** repository: list, get, update description, delete. */
export function createRepositoriesRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
