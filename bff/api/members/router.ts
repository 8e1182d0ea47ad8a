import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** member: project members and their roles. */
export function createMembersRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
