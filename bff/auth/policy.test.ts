import { describe, expect, it } from 'vitest';
import { allowed, anonymous, registryActionAllowed, roles, type Principal } from './policy.ts';

const user: Principal = { kind: 'user', id: 7, name: 'u', sysadmin: false };
const admin: Principal = { kind: 'user', id: 1, name: 'admin', sysadmin: true };
const member = (role: number, isPublic = false) => ({ public: isPublic, role });

describe('the registry actions of each project role (Harbor matrix)', () => {
  const table: [string, number, { pull: boolean; push: boolean; delete: boolean }][] = [
    ['ProjectAdmin', roles.projectAdmin, { pull: true, push: true, delete: true }],
    ['Maintainer', roles.maintainer, { pull: true, push: true, delete: true }],
    ['Developer', roles.developer, { pull: true, push: true, delete: false }],
    ['Guest', roles.guest, { pull: true, push: false, delete: false }],
    ['LimitedGuest', roles.limitedGuest, { pull: true, push: false, delete: false }],
  ];
  it.each(table)('%s', (_name, role, expected) => {
    for (const action of ['pull', 'push', 'delete'] as const) {
      expect(registryActionAllowed(user, member(role), action), action).toBe(expected[action]);
    }
  });
});

describe('standing outside a project', () => {
  it('lets anyone, anonymous too, pull from a public project but not push', () => {
    expect(registryActionAllowed(anonymous, { public: true, role: null }, 'pull')).toBe(true);
    expect(registryActionAllowed(anonymous, { public: true, role: null }, 'push')).toBe(false);
    expect(registryActionAllowed(user, { public: true, role: null }, 'delete')).toBe(false);
  });
  it('gives non-members nothing in a private project, and nobody anything in a missing one', () => {
    expect(registryActionAllowed(user, { public: false, role: null }, 'pull')).toBe(false);
    expect(allowed(user, { public: false, role: null }, 'project', 'read')).toBe(false);
    expect(registryActionAllowed(user, null, 'pull')).toBe(false);
    expect(registryActionAllowed(anonymous, null, 'pull')).toBe(false);
  });
  it('lets a system admin do anything', () => {
    expect(registryActionAllowed(admin, { public: false, role: null }, 'delete')).toBe(true);
    expect(allowed(admin, { public: false, role: null }, 'member', 'create')).toBe(true);
  });
  it('keeps members, robots and logs from a limited guest', () => {
    for (const resource of ['member', 'robot', 'log', 'label']) {
      expect(allowed(user, member(roles.limitedGuest), resource, 'list'), resource).toBe(false);
    }
    expect(allowed(user, member(roles.guest), 'member', 'list')).toBe(true);
  });
});
