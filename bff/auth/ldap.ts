import { Client, type Entry, InvalidCredentialsError } from "ldapts";

/** The LDAP settings (Harbor's ldap_* keys) with the search password opened. */
export type LdapConfig = {
	url: string;
	searchDn: string;
	searchPassword: string;
	baseDn: string;
	filter: string;
	uid: string;
	/** 0 base, 1 one level, 2 subtree (Harbor's numbers). */
	scope: number;
	timeoutSeconds: number;
	verifyCert: boolean;
	groupBaseDn: string;
	groupFilter: string;
	groupNameAttribute: string;
	groupScope: number;
	groupAdminDn: string;
	groupMembershipAttribute: string;
};

/** A person in the directory: their DN, the name they sign in with, and the groups (DNs) they belong to. */
export type DirectoryUser = {
	dn: string;
	username: string;
	email: string;
	realname: string;
	groupDns: string[];
};
export type DirectoryGroup = { dn: string; name: string };

const scopes = ["base", "one", "sub"] as const;

/** A DN in the form two spellings of it share: lower case, no spaces around `,` and `=`. */
export const dnKey = (dn: string) =>
	dn
		.trim()
		.replace(/\s*([,=+])\s*/g, "$1")
		.toLowerCase();

/** RFC 4515: a value inside a filter, with `*`, `(`, `)`, `\` and NUL escaped. */
export const escapeFilterValue = (v: string) =>
	v.replace(
		/[*()\\\0]/g,
		(c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
	);

/** A configured filter as one parenthesized term (Harbor accepts it with or without the outer parentheses); none: everything. */
const term = (filter: string, fallback: string) => {
	const f = filter.trim();
	if (!f) return fallback;
	return f.startsWith("(") ? f : `(${f})`;
};

const values = (entry: Entry, attribute: string): string[] => {
	const key = Object.keys(entry).find(
		(k) => k.toLowerCase() === attribute.toLowerCase(),
	);
	const v = key ? entry[key] : undefined;
	if (v === undefined) return [];
	return (Array.isArray(v) ? v : [v]).map((x) =>
		Buffer.isBuffer(x) ? x.toString("utf8") : String(x),
	);
};
const first = (entry: Entry, ...attributes: string[]) =>
	attributes.map((a) => values(entry, a)[0]).find((v) => v) ?? "";

function client(cfg: LdapConfig) {
	return new Client({
		url: cfg.url,
		timeout: cfg.timeoutSeconds * 1000,
		connectTimeout: cfg.timeoutSeconds * 1000,
		// ldapts speaks TLS whenever it is given TLS options: only ldaps:// gets them.
		...(/^ldaps:/i.test(cfg.url)
			? { tlsOptions: { rejectUnauthorized: cfg.verifyCert } }
			: {}),
	});
}

/** Runs `work` on a connection bound as the search account (anonymous when none is set), then closes it. */
async function searching<T>(
	cfg: LdapConfig,
	work: (c: Client) => Promise<T>,
): Promise<T> {
	const c = client(cfg);
	try {
		if (cfg.searchDn) await c.bind(cfg.searchDn, cfg.searchPassword);
		return await work(c);
	} finally {
		await c.unbind().catch(() => {});
	}
}

async function findUsers(
	c: Client,
	cfg: LdapConfig,
	username: string | undefined,
	limit = 0,
): Promise<DirectoryUser[]> {
	const uid = cfg.uid || "uid";
	const filter = `(&${term(cfg.filter, "(objectClass=*)")}(${uid}=${username === undefined ? "*" : escapeFilterValue(username)}))`;
	const membership = cfg.groupMembershipAttribute || "memberOf";
	const { searchEntries } = await c.search(cfg.baseDn, {
		scope: scopes[cfg.scope] ?? "sub",
		filter,
		sizeLimit: limit,
		attributes: [uid, "mail", "email", "cn", "displayName", membership],
	});
	return searchEntries
		.map((e) => ({
			dn: e.dn,
			username: first(e, uid),
			email: first(e, "mail", "email"),
			realname: first(e, "displayName", "cn", uid),
			groupDns: values(e, membership),
		}))
		.filter((u) => u.username);
}

/** The groups a user belongs to: their membership attribute, else (a directory without memberOf) a search by member. */
async function groupsOf(
	c: Client,
	cfg: LdapConfig,
	user: DirectoryUser,
): Promise<string[]> {
	if (user.groupDns.length || !cfg.groupBaseDn) return user.groupDns;
	const filter = `(&${term(cfg.groupFilter, "(objectClass=*)")}(|(member=${escapeFilterValue(user.dn)})(uniqueMember=${escapeFilterValue(user.dn)})(memberUid=${escapeFilterValue(user.username)})))`;
	const { searchEntries } = await c.search(cfg.groupBaseDn, {
		scope: scopes[cfg.groupScope] ?? "sub",
		filter,
		attributes: ["1.1"],
	});
	return searchEntries.map((e) => e.dn);
}

/** What Wharf asks of an LDAP directory: Harbor's search bind, then a bind as the user. */
export const ldap = {
	/** Connects and binds as the search account: whether the settings reach the directory. */
	async ping(cfg: LdapConfig): Promise<{ success: boolean; message: string }> {
		if (!cfg.url) return { success: false, message: "ldap_url is not set" };
		try {
			await searching(cfg, async () => {});
			return { success: true, message: "connected and bound" };
		} catch (e) {
			return { success: false, message: describe(e) };
		}
	},

	/** People whose uid attribute is `username` (all of them when not given), at most `limit`. */
	searchUsers: (cfg: LdapConfig, username?: string, limit = 1000) =>
		searching(cfg, (c) => findUsers(c, cfg, username || undefined, limit)),

	/** The one person with this uid, with their groups; null when there is none or more than one. */
	async findUser(
		cfg: LdapConfig,
		username: string,
	): Promise<DirectoryUser | null> {
		return searching(cfg, async (c) => {
			const found = await findUsers(c, cfg, username, 2);
			if (found.length !== 1) return null;
			return { ...found[0], groupDns: await groupsOf(c, cfg, found[0]) };
		});
	},

	/**
	 * Signs a person in: finds their entry with the search account, then binds as them with the password. Null for no
	 * such person, several, or a wrong password; connection failures throw. An empty password never reaches the
	 * directory (an unauthenticated bind would succeed with any DN).
	 */
	async authenticate(
		cfg: LdapConfig,
		username: string,
		password: string,
	): Promise<DirectoryUser | null> {
		if (!password || !username) return null;
		const user = await this.findUser(cfg, username);
		if (!user) return null;
		const c = client(cfg);
		try {
			await c.bind(user.dn, password);
			return user;
		} catch (e) {
			if (e instanceof InvalidCredentialsError) return null;
			throw e;
		} finally {
			await c.unbind().catch(() => {});
		}
	},

	/** Groups by exact name (under the group base DN) or by DN (that entry, if it passes the group filter). */
	async searchGroups(
		cfg: LdapConfig,
		by: { name?: string; dn?: string },
	): Promise<DirectoryGroup[]> {
		const nameAttribute = cfg.groupNameAttribute || "cn";
		const groupFilter = term(cfg.groupFilter, "(objectClass=*)");
		return searching(cfg, async (c) => {
			const { searchEntries } = by.dn
				? await c.search(by.dn, {
						scope: "base",
						filter: groupFilter,
						attributes: [nameAttribute],
					})
				: await c.search(cfg.groupBaseDn, {
						scope: scopes[cfg.groupScope] ?? "sub",
						sizeLimit: 1000,
						attributes: [nameAttribute],
						filter: `(&${groupFilter}(${nameAttribute}=${escapeFilterValue(by.name ?? "")}))`,
					});
			return searchEntries.map((e) => ({
				dn: e.dn,
				name: first(e, nameAttribute) || e.dn,
			}));
		}).catch((e: unknown) => {
			// A DN that does not exist (32) or is no DN at all (34) names no group: not a failure.
			if (by.dn && [32, 34].includes((e as { code?: number }).code ?? 0))
				return [];
			throw e;
		});
	},
};

export type Ldap = typeof ldap;

/** An LDAP error as one line for an admin (ping results, logs): never the bind password. */
export function describe(e: unknown): string {
	if (e instanceof InvalidCredentialsError)
		return "the search DN or its password was refused (invalid credentials)";
	const err = e as { message?: string; code?: string | number };
	return String(err.message ?? err.code ?? e).slice(0, 500);
}
