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
    async beforeAdd(projectId, digest, size) {
      if (!(await readSetting(db, 'quota_per_project_enable'))) return;
      const hard = await quotas.hardLimit(projectId);
      if (hard === unlimited || (await quotas.isCounted(projectId, digest))) return;
      const used = await quotas.used(projectId);
      if (used + size <= hard) return;
      throw new RegistryError('DENIED', `adding ${formatStorage(size)} of storage resource, which when updated to current usage of `
        + `${formatStorage(used)} will exceed the configured upper limit of ${formatStorage(hard)}.`);
    },
  };
}
