import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { LRUCache } from 'lru-cache';
import { now, type Db } from '../db/database.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';
import type { Principal } from './policy.ts';

export type UserRow = { id: number; username: string; sysadmin: number; disabled: number; password_hash: string };

/** Users: lookup, creation, and password checks with a short cache, because scrypt on every /v2 request would eat the CPU. */
export function createUserService(db: Db) {
  // key: sha256 of username and password; value: user id. A changed password changes the key.
  const verified = new LRUCache<string, number>({ max: 10_000, ttl: 60_000 });
  const credentialKey = (username: string, password: string) =>
    createHash('sha256').update(username).update('\0').update(password).digest('base64');

  const columns = ['id', 'username', 'sysadmin', 'disabled', 'password_hash'] as const;
  const byName = (username: string) => db.selectFrom('users').select(columns).where('username', '=', username).executeTakeFirst();
  const byId = (id: number) => db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();

  return {
    byName,
    byId,

    async create(u: { username: string; password: string; sysadmin?: boolean; email?: string | null; realname?: string }) {
      const t = now();
      const row = await db.insertInto('users').values({
        username: u.username, email: u.email ?? null, realname: u.realname ?? '', comment: '',
        password_hash: await hashPassword(u.password), sysadmin: u.sysadmin ? 1 : 0, disabled: 0,
        creation_time: t, update_time: t,
      }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** The user for these credentials, or null. Disabled users never pass. */
    async verify(username: string, password: string): Promise<UserRow | null> {
      const key = credentialKey(username, password);
      const cachedId = verified.get(key);
      const user = await byName(username);
      if (!user || user.disabled) return null;
      if (cachedId === user.id) return user;
      if (!(await verifyPassword(password, user.password_hash))) return null;
      verified.set(key, user.id);
      return user;
    },

    forgetCredentials: () => verified.clear(),

    /**
     * First start: creates `admin` with WHARF_ADMIN_PASSWORD or a generated password, which is printed once and written to
     * `<data>/initial-admin-password` (0600). Returns the generated password, if any, for the caller to print.
     */
    async bootstrapAdmin(dataDir: string, given?: string): Promise<{ created: boolean; generated?: string }> {
      const existing = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirst();
      if (existing) return { created: false };
      const password = given ?? generatePassword();
      await this.create({ username: 'admin', password, sysadmin: true, realname: 'system admin' });
      if (given) return { created: true };
      writeFileSync(path.join(dataDir, 'initial-admin-password'), `${password}\n`, { mode: 0o600 });
      return { created: true, generated: password };
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;

export const principalOf = (u: UserRow): Principal => ({ kind: 'user', id: u.id, name: u.username, sysadmin: u.sysadmin === 1 });
