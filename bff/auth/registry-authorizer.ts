import { RegistryError } from '../core/errors.ts';
import type { Caller, RegistryAuthorizer } from '../core/access.ts';
import { parseBasic, parseBearer } from './credentials.ts';
import { anonymous, pullableProjects, type Principal } from './policy.ts';
import type { ProjectAccess } from './project-access.ts';
import type { TokenService } from './tokens.ts';
import type { Principals } from './principals.ts';

/** A caller judged by the policy on every request: anonymous, or a user or robot who sent basic credentials. */
export function policyCaller(principal: Principal, access: ProjectAccess, via: 'basic' | 'none'): Caller {
  return {
    name: principal.name,
    anonymous: principal.kind === 'anonymous',
    via,
    can: (repository, action) => access.registryAllowed(principal, repository, action),
    readable: (repository) => access.registryAllowed(principal, repository, 'pull'),
    pullable: () => pullableProjects(principal),
  };
}

/**
 * How /v2 learns who is calling: no credentials (anonymous), basic credentials (a user or a robot), or a
 * bearer token from /service/token, whose `access` list says what it may do; its subject must still be enabled.
 */
export function createRegistryAuthorizer(deps: { principals: Principals; tokens: TokenService; access: ProjectAccess }): RegistryAuthorizer {
  const { principals, tokens, access } = deps;
  const badCredentials = () => Object.assign(new RegistryError('UNAUTHORIZED', 'authentication required: invalid credentials'), {
    headers: { 'WWW-Authenticate': 'Basic realm="harbor"' },
  });
  return {
    async authenticate(header) {
      if (!header) return policyCaller(anonymous, access, 'none');
      const basic = parseBasic(header);
      if (basic) {
        const principal = await principals.verify(basic.username, basic.password);
        if (!principal) throw badCredentials();
        return policyCaller(principal, access, 'basic');
      }
      const bearer = parseBearer(header);
      const claims = bearer ? await tokens.verify(bearer) : null;
      if (!claims) throw Object.assign(new RegistryError('UNAUTHORIZED', 'invalid or expired token'), { headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' } });
      let principal: Principal = anonymous;
      if (claims.sub !== 'anonymous') {
        // Re-checked on every request: a disabled user or a disabled or expired robot stops at once.
        const found = await principals.bySubject(claims.sub);
        if (!found) throw badCredentials();
        principal = found;
      }
      return {
        name: principal.name,
        anonymous: principal.kind === 'anonymous',
        via: 'token',
        async can(repository, action) {
          return claims.access.some((a) => a.type === 'repository' && a.name === repository && (a.actions.includes(action) || a.actions.includes('*')));
        },
        readable: (repository) => access.registryAllowed(principal, repository, 'pull'),
        pullable: () => pullableProjects(principal),
      };
    },
  };
}
