import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** artifact: list, get, delete, copy, tags, labels, references, accessories, additions. */
export function createArtifactsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
