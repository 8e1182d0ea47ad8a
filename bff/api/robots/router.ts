import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** robot: system and project robot accounts. */
export function createRobotsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
