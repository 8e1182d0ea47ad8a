import type { Db } from '../db/database.ts';
import type { Principal } from './policy.ts';
import { createRobotAccounts, isRobotName } from './robot-accounts.ts';
import { principalOf, type UserService } from './users.ts';

/** Who a credential or a token subject is, users and robots alike: the one answer for /v2, /service/token and /api. */
export function createPrincipals(db: Db, users: UserService) {
  const robots = createRobotAccounts(db);
  return {
    /** Basic credentials: a robot when the name has the robot prefix, else a user; null when they do not hold. */
    async verify(username: string, password: string): Promise<Principal | null> {
      if (isRobotName(username)) return robots.verify(username, password);
      const user = await users.verify(username, password);
      return user ? principalOf(user) : null;
    },
    /** A token's subject, if it still exists and is enabled (and, for a robot, unexpired). */
    async bySubject(name: string): Promise<Principal | null> {
      if (isRobotName(name)) return robots.active(name);
      const user = await users.byName(name);
      return user && !user.disabled ? principalOf(user) : null;
    },
  };
}

export type Principals = ReturnType<typeof createPrincipals>;
