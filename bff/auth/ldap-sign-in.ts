import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import {
	type DirectoryUser,
	ldap as directory,
	dnKey,
	type Ldap,
	type LdapConfig,
} from "./ldap.ts";
import type { UserGroupStore } from "./user-groups.ts";
import type { UserRow, UserService } from "./users.ts";

/** Whether `dn` lies under `base` (or is it). */
const under = (dn: string, base: string) => {
	const d = dnKey(dn);
	const b = dnKey(base);
	return d === b || d.endsWith(`,${b}`);
};

/**
 * Sign-in through LDAP (auth_mode ldap_auth): a search bind finds the person, a bind as them checks the password; the
 * person is onboarded on first success and their groups (those under the group base DN, added to the user groups as
 * Harbor does) and admin-group standing are written on each. Two binds on every /v2 request would load the directory,
 * so a success is remembered for a minute, keyed by a hash of the credential and the settings.
 */
export function createLdapSignIn(deps: {
	users: UserService;
	groups: UserGroupStore;
	ldap?: Ldap;
	ttlMs?: number;
}) {
	const ldap = deps.ldap ?? directory;
	const recent = new LRUCache<string, number>({
		max: 10_000,
		ttl: deps.ttlMs ?? 60_000,
	});
	const keyOf = (cfg: LdapConfig, username: string, password: string) =>
		createHash("sha256")
			.update(JSON.stringify(cfg))
			.update("\0")
			.update(username)
			.update("\0")
			.update(password)
			.digest("base64");

	/** Onboards a person found in the directory, or writes their groups and admin standing again. */
	const onboard = async (cfg: LdapConfig, person: DirectoryUser) => {
		const groupDns = cfg.groupBaseDn
			? person.groupDns.filter((dn) => under(dn, cfg.groupBaseDn))
			: [];
		return deps.users.fromDirectory({
			username: person.username,
			dn: person.dn,
			email: person.email,
			realname: person.realname,
			groupIds: await deps.groups.populateLdap(groupDns),
			admin:
				!!cfg.groupAdminDn &&
				person.groupDns.some((dn) => dnKey(dn) === dnKey(cfg.groupAdminDn)),
		});
	};
	return {
		onboard,
		/** `fresh`: ask the directory even after a recent success (a console sign-in, which refreshes the groups). */
		async signIn(
			cfg: LdapConfig,
			username: string,
			password: string,
			opts: { fresh?: boolean } = {},
		): Promise<UserRow | null> {
			const key = keyOf(cfg, username, password);
			const known = opts.fresh ? undefined : recent.get(key);
			if (known !== undefined) {
				const user = await deps.users.byId(known);
				if (user && !user.disabled) return user;
				recent.delete(key);
			}
			const person = await ldap.authenticate(cfg, username, password);
			if (!person) return null;
			const user = await onboard(cfg, person);
			if (user) recent.set(key, user.id);
			return user;
		},
	};
}

export type LdapSignIn = ReturnType<typeof createLdapSignIn>;
