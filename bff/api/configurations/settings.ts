import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import { createSettingsStore } from './store.ts';

/**
 * The system settings an admin changes through PUT /configurations, with Harbor's names, defaults and rules. Other
 * slices read them with `readSetting(db, name)`: one indexed row, so every replica sees a change at once.
 */
export const settingSchemas = {
  auth_mode: z.string().refine((v) => v === 'db_auth', { message: 'only db_auth is supported for now' }),
  project_creation_restriction: z.enum(['everyone', 'adminonly']),
  self_registration: z.boolean(),
  /** Days; robots created without a duration get this one. */
  robot_token_duration: z.number().int().min(1).max(36_500),
  read_only: z.boolean(),
  notification_enable: z.boolean(),
  quota_per_project_enable: z.boolean(),
  /** Bytes; -1 is unlimited. The storage limit new projects get. */
  storage_per_project: z.number().int().min(-1).max(Number.MAX_SAFE_INTEGER),
  /** Harbor's banner: empty, or a JSON object {message, type, closable, fromDate, toDate} as a string. */
  banner_message: z.string().max(4096).refine((v) => v === '' || isJsonObject(v), { message: 'must be empty or a JSON object as a string' }),
} as const;

export type SettingName = keyof typeof settingSchemas;
export type Settings = { [K in SettingName]: z.infer<(typeof settingSchemas)[K]> };

export const settingDefaults: Settings = {
  auth_mode: 'db_auth',
  project_creation_restriction: 'everyone',
  self_registration: false,
  robot_token_duration: 30,
  read_only: false,
  notification_enable: true,
  quota_per_project_enable: true,
  storage_per_project: -1,
  banner_message: '',
};

function isJsonObject(v: string) {
  try {
    const o: unknown = JSON.parse(v);
    return typeof o === 'object' && o !== null && !Array.isArray(o);
  } catch { return false; }
}

export const isSettingName = (name: string): name is SettingName => Object.hasOwn(settingSchemas, name);

/** A stored value, or the default when it is absent or no longer valid. */
function decode<K extends SettingName>(name: K, stored: string | undefined): Settings[K] {
  if (stored === undefined) return settingDefaults[name];
  try {
    const r = settingSchemas[name].safeParse(JSON.parse(stored));
    return r.success ? (r.data as Settings[K]) : settingDefaults[name];
  } catch { return settingDefaults[name]; }
}

/** One setting, read from the database (no cache: replicas must agree at once). */
export async function readSetting<K extends SettingName>(db: Db, name: K): Promise<Settings[K]> {
  return decode(name, await createSettingsStore(db).get(name));
}

/** Every setting, defaults filled in. */
export async function readSettings(db: Db): Promise<Settings> {
  const stored = new Map((await createSettingsStore(db).all()).map((r) => [r.name, r.value]));
  const out = { ...settingDefaults } as Record<SettingName, unknown>;
  for (const name of Object.keys(settingSchemas) as SettingName[]) out[name] = decode(name, stored.get(name));
  return out as Settings;
}
