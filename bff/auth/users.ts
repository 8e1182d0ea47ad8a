import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { now, type Db } from '../db/database.ts';
import { generatePassword, hashPassword, needsRehash } from './passwords.ts';
import { createCredentialCache } from './credential-cache.ts';
import type { Principal } from './policy.ts';

export type UserRow = { id: number; username: string; sysadmin: number; disabled: number; password_hash: string };

/** Users: lookup, creation, and password checks (cached briefly: see credential-cache.ts). */
export function createUserService(db: Db) {
  const verified = createCredentialCache();

  const columns = ['id', 'username', 'sysadmin', 'disabled', 'password_hash'] as const;
  const byName = (username: string) => db.selectFrom('users').select(columns).where('username', '=', username).executeTakeFirst();
  const byId = (id: number) => db.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();

  return {
    byName,
    byId,

    async create(u: { username: string; password: string; sysadmin?: boolean; email?: string | null; realname?: string; comment?: string }) {
      const t = now();
      const row = await db.insertInto('users').values({
        username: u.username, email: u.email ?? null, realname: u.realname ?? '', comment: u.comment ?? '',
        password_hash: await hashPassword(u.password), sysadmin: u.sysadmin ? 1 : 0, disabled: 0,
        creation_time: t, update_time: t,
      }).returning('id').executeTakeFirstOrThrow();
      return row.id;
    },

    /** The user for these credentials, or null. Disabled users never pass. */
    async verify(username: string, password: string): Promise<UserRow | null> {
      const user = await byName(username);
      if (!user || user.disabled) return null;
      if (!(await verified.check(username, password, user.password_hash))) return null;
      // Hashes made with older parameters are replaced while the password is at hand.
      if (needsRehash(user.password_hash)) await this.setPassword(user.id, password, { keepSessions: true });
      return user;
    },

    forgetCredentials: () => verified.clear(),

    /**
     * A new password ends the user's console sessions (all but the one that made the change, named by its CSRF token),
     * so a thief's session does not outlive it; a rehash of the same password keeps them.
     */
    async setPassword(id: number, password: string, opts: { keepSessions?: boolean; keepSessionCsrf?: string } = {}) {
      const hash = await hashPassword(password);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ password_hash: hash, update_time: now() }).where('id', '=', id).execute();
        if (opts.keepSessions) return;
        let ending = tx.deleteFrom('sessions').where('user_id', '=', id);
        if (opts.keepSessionCsrf) ending = ending.where('csrf_token', '!=', opts.keepSessionCsrf);
        await ending.execute();
      });
    },

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
