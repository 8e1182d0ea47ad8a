import { RegistryError } from '../core/errors.ts';
import type { Caller, RegistryAuthorizer } from '../core/access.ts';
import { parseBasic, parseBearer } from './credentials.ts';
import { anonymous, type Principal } from './policy.ts';
import type { ProjectAccess } from './project-access.ts';
import type { TokenService } from './tokens.ts';
import { principalOf, type UserService } from './users.ts';

/** A caller judged by the policy on every request: anonymous, or a user who sent basic credentials. */
export function policyCaller(principal: Principal, access: ProjectAccess, via: 'basic' | 'none'): Caller {
  return {
    name: principal.name,
    anonymous: principal.kind === 'anonymous',
    via,
    can: (repository, action) => access.registryAllowed(principal, repository, action),
    readable: (repository) => access.registryAllowed(principal, repository, 'pull'),
  };
}

/**
 * How /v2 learns who is calling: no credentials (anonymous), basic credentials (checked against the users), or a
 * bearer token from /service/token, whose `access` list says what it may do; its subject must still be enabled.
 */
export function createRegistryAuthorizer(deps: { users: UserService; tokens: TokenService; access: ProjectAccess }): RegistryAuthorizer {
  const { users, tokens, access } = deps;
  const badCredentials = () => Object.assign(new RegistryError('UNAUTHORIZED', 'authentication required: invalid credentials'), {
    headers: { 'WWW-Authenticate': 'Basic realm="harbor"' },
  });
  return {
    async authenticate(header) {
      if (!header) return policyCaller(anonymous, access, 'none');
      const basic = parseBasic(header);
      if (basic) {
        const user = await users.verify(basic.username, basic.password);
        if (!user) throw badCredentials();
        return policyCaller(principalOf(user), access, 'basic');
      }
      const bearer = parseBearer(header);
      const claims = bearer ? await tokens.verify(bearer) : null;
      if (!claims) throw Object.assign(new RegistryError('UNAUTHORIZED', 'invalid or expired token'), { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
      let principal: Principal = anonymous;
      if (claims.sub !== 'anonymous') {
        const user = await users.byName(claims.sub);
        if (!user || user.disabled) throw badCredentials();
        principal = principalOf(user);
      }
      return {
        name: principal.name,
        anonymous: principal.kind === 'anonymous',
        via: 'token',
        async can(repository, action) {
          return claims.access.some((a) => a.type === 'repository' && a.name === repository && (a.actions.includes(action) || a.actions.includes('*')));
        },
        readable: (repository) => access.registryAllowed(principal, repository, 'pull'),
      };
    },
  };
}
