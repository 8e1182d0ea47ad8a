import type { Config } from '../../config.ts';
import type { AuditSink } from '../../core/access.ts';
import type { Db } from '../../db/database.ts';
import { now } from '../../db/database.ts';
import type { Principal } from '../../auth/policy.ts';
import { robotPrefix } from '../../auth/robot-accounts.ts';
import { badRequest } from '../errors.ts';
import { createSettingsStore } from './store.ts';
import { isSettingName, readSettings, settingSchemas, type SettingName } from './settings.ts';

type Item = { value: string | number | boolean; editable: boolean };

/** Settings fixed by the deployment (environment), shown but not changed through the API. */
function fixedSettings(config: Config): Record<string, { value: string | number; how: string }> {
  return {
    token_expiration: { value: config.tokenExpirySeconds / 60, how: 'set WHARF_TOKEN_EXPIRY_MINUTES' },
    session_timeout: { value: config.sessionTimeoutSeconds / 60, how: 'set WHARF_SESSION_TIMEOUT_MINUTES' },
    robot_name_prefix: { value: robotPrefix, how: 'it is fixed' },
  };
}

/** The rules of the `configure` tag: Harbor's ConfigurationsResponse, and validated, audited updates. */
export function createConfigurationsService(deps: { db: Db; config: Config; audit: AuditSink }) {
  const store = createSettingsStore(deps.db);
  const fixed = fixedSettings(deps.config);
  return {
    /** `{key: {value, editable}}` for every setting Wharf honours. */
    async get(): Promise<Record<string, Item>> {
      const settings = await readSettings(deps.db);
      const out: Record<string, Item> = {};
      for (const [k, v] of Object.entries(settings)) out[k] = { value: v, editable: true };
      for (const [k, f] of Object.entries(fixed)) out[k] = { value: f.value, editable: false };
      return out;
    },

    /**
     * Applies a flat `{key: value}` map: all keys valid or none written. A fixed key is accepted when it repeats its
     * current value (tools send the whole map back); any key Wharf does not honour is refused rather than ignored.
     */
    async update(actor: Principal, body: unknown): Promise<void> {
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the body must be a JSON object');
      const changes: Record<string, string> = {};
      for (const [key, value] of Object.entries(body)) {
        if (isSettingName(key)) {
          const r = settingSchemas[key as SettingName].safeParse(value);
          if (!r.success) throw badRequest(`${key}: ${r.error.issues[0].message}`);
          changes[key] = JSON.stringify(r.data);
        } else if (Object.hasOwn(fixed, key)) {
          if (value !== fixed[key].value) throw badRequest(`${key} cannot be changed through the API: ${fixed[key].how}`);
        } else {
          throw badRequest(`${key}: not a setting Wharf supports`);
        }
      }
      if (Object.keys(changes).length === 0) return;
      await store.put(changes, now());
      deps.audit.record({ project: null, operator: actor.name, resource: Object.keys(changes).join(','), resourceType: 'configuration', operation: 'update' });
    },
  };
}
