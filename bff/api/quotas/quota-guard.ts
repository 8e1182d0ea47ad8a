import type { Db } from '../../db/database.ts';
import type { WriteGuard } from '../../core/access.ts';
import { RegistryError } from '../../core/errors.ts';
import { readSetting } from '../configurations/settings.ts';
import { formatStorage } from './storage-size.ts';
import { createQuotaStore, unlimited } from './store.ts';

/**
 * Project storage quotas, enforced at push: a blob counts once per project. Two pushes racing past the limit at the
 * same moment may both pass (as Harbor's own check-then-add); the next one is refused.
 */
export function createQuotaGuard(db: Db): Pick<WriteGuard, 'beforeAdd'> {
  const quotas = createQuotaStore(db);
  return {
    async beforeAdd(projectId, blobs) {
      if (blobs.length === 0 || !(await readSetting(db, 'quota_per_project_enable'))) return;
      const hard = await quotas.hardLimit(projectId);
      if (hard === unlimited) return;
      const counted = await quotas.counted(projectId, blobs.map((b) => b.digest));
      const size = blobs.filter((b) => !counted.has(b.digest)).reduce((sum, b) => sum + b.size, 0);
      if (size === 0) return;
      const used = await quotas.used(projectId);
      if (used + size <= hard) return;
      throw new RegistryError('DENIED', `adding ${formatStorage(size)} of storage resource, which when updated to current usage of `
        + `${formatStorage(used)} will exceed the configured upper limit of ${formatStorage(hard)}.`);
    },
  };
}
