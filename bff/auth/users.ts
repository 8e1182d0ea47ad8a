import { writeFileSync } from "node:fs";
import path from "node:path";
import { type Db, now } from "../db/database.ts";
import { createCredentialCache } from "./credential-cache.ts";
import { generatePassword, hashPassword, needsRehash } from "./passwords.ts";
import type { Principal } from "./policy.ts";

export type UserRow = {
	id: number;
	username: string;
	sysadmin: number;
	disabled: number;
	password_hash: string;
	/** The user groups and admin-group standing of the last sign-in through a directory (LDAP) or provider (OIDC). */
	group_ids: string;
	group_admin: number;
};

/** What a directory (LDAP) said of a person at sign-in. */
export type DirectoryPerson = {
	username: string;
	dn: string;
	email: string;
	realname: string;
	groupIds: number[];
	admin: boolean;
};

/** Users signing in through a directory have no password here: this hash never verifies. */
const noLocalPassword = "ldap";

/** Users: lookup, creation, and password checks (cached briefly: see credential-cache.ts). */
export function createUserService(db: Db) {
	const verified = createCredentialCache();

	const columns = [
		"id",
		"username",
		"sysadmin",
		"disabled",
		"password_hash",
		"group_ids",
		"group_admin",
	] as const;
	const byName = (username: string) =>
		db
			.selectFrom("users")
			.select(columns)
			.where("username", "=", username)
			.executeTakeFirst();
	const byId = (id: number) =>
		db
			.selectFrom("users")
			.select(columns)
			.where("id", "=", id)
			.executeTakeFirst();

	/** Writes what a sign-in through a directory or provider said of the user, when it changed. */
	const writeStanding = async (
		user: UserRow,
		standing: { group_ids: string; group_admin: number; ldap_dn?: string },
	): Promise<UserRow> => {
		if (
			user.group_ids !== standing.group_ids ||
			user.group_admin !== standing.group_admin
		)
			await db
				.updateTable("users")
				.set({ ...standing, update_time: now() })
				.where("id", "=", user.id)
				.execute();
		return {
			...user,
			group_ids: standing.group_ids,
			group_admin: standing.group_admin,
		};
	};

	return {
		byName,
		byId,

		/** The groups and admin-group standing an OIDC sign-in found, written on the user; undefined if there is none. */
		async setStanding(
			id: number,
			s: { groupIds: number[]; admin: boolean },
		): Promise<UserRow | undefined> {
			const user = await byId(id);
			return (
				user &&
				writeStanding(user, {
					group_ids: JSON.stringify(s.groupIds),
					group_admin: s.admin ? 1 : 0,
				})
			);
		},

		async create(u: {
			username: string;
			password: string;
			sysadmin?: boolean;
			email?: string | null;
			realname?: string;
			comment?: string;
		}) {
			const t = now();
			const row = await db
				.insertInto("users")
				.values({
					username: u.username,
					email: u.email ?? null,
					realname: u.realname ?? "",
					comment: u.comment ?? "",
					password_hash: await hashPassword(u.password),
					sysadmin: u.sysadmin ? 1 : 0,
					disabled: 0,
					creation_time: t,
					update_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow();
			return row.id;
		},

		/**
		 * The user for these credentials, or null. Disabled users never pass. `rememberedOnly`: only a credential that passed
		 * lately counts (nothing is hashed).
		 */
		async verify(
			username: string,
			password: string,
			opts: { rememberedOnly?: boolean } = {},
		): Promise<UserRow | null> {
			const user = await byName(username);
			if (!user || user.disabled) return null;
			if (opts.rememberedOnly)
				return verified.remembers(username, password, user.password_hash)
					? user
					: null;
			if (!(await verified.check(username, password, user.password_hash)))
				return null;
			// Hashes made with older parameters are replaced while the password is at hand.
			if (needsRehash(user.password_hash))
				await this.setPassword(user.id, password, { keepSessions: true });
			return user;
		},

		forgetCredentials: () => verified.clear(),

		/**
		 * A person the directory just signed in: onboarded on their first sign-in (as Harbor does), their groups and
		 * admin-group standing written again on every one. Null when the account here is disabled.
		 */
		async fromDirectory(p: DirectoryPerson): Promise<UserRow | null> {
			const standing = {
				ldap_dn: p.dn,
				group_ids: JSON.stringify(p.groupIds),
				group_admin: p.admin ? 1 : 0,
			};
			const existing = await byName(p.username);
			if (existing) {
				if (existing.disabled) return null;
				return writeStanding(existing, standing);
			}
			const t = now();
			const insert = (email: string | null) =>
				db
					.insertInto("users")
					.values({
						username: p.username,
						email,
						realname: p.realname,
						comment: "from LDAP",
						password_hash: noLocalPassword,
						sysadmin: 0,
						disabled: 0,
						creation_time: t,
						update_time: t,
						...standing,
					})
					.onConflict((oc) => oc.column("username").doNothing())
					.execute();
			// An address another account already has is left out rather than refusing the sign-in.
			await insert(p.email || null).catch(() => insert(null));
			const row = await byName(p.username);
			return row && !row.disabled ? row : null;
		},

		/**
		 * A new password ends the user's console sessions (all but the one that made the change, named by its CSRF token),
		 * so a thief's session does not outlive it; a rehash of the same password keeps them.
		 */
		async setPassword(
			id: number,
			password: string,
			opts: { keepSessions?: boolean; keepSessionCsrf?: string } = {},
		) {
			const hash = await hashPassword(password);
			await db.transaction().execute(async (tx) => {
				await tx
					.updateTable("users")
					.set({ password_hash: hash, update_time: now() })
					.where("id", "=", id)
					.execute();
				if (opts.keepSessions) return;
				let ending = tx.deleteFrom("sessions").where("user_id", "=", id);
				if (opts.keepSessionCsrf)
					ending = ending.where("csrf_token", "!=", opts.keepSessionCsrf);
				await ending.execute();
			});
		},

		/**
		 * First start: creates `admin` with WHARF_ADMIN_PASSWORD or a generated password, which is printed once and written to
		 * `<data>/initial-admin-password` (0600). Returns the generated password, if any, for the caller to print.
		 */
		async bootstrapAdmin(
			dataDir: string,
			given?: string,
		): Promise<{ created: boolean; generated?: string }> {
			const existing = await db
				.selectFrom("users")
				.select("id")
				.where("username", "=", "admin")
				.executeTakeFirst();
			if (existing) return { created: false };
			const password = given ?? generatePassword();
			await this.create({
				username: "admin",
				password,
				sysadmin: true,
				realname: "system admin",
			});
			if (given) return { created: true };
			writeFileSync(
				path.join(dataDir, "initial-admin-password"),
				`${password}\n`,
				{ mode: 0o600 },
			);
			return { created: true, generated: password };
		},
	};
}

export type UserService = ReturnType<typeof createUserService>;

const groupIdsOf = (json: string): number[] => {
	try {
		const ids: unknown = JSON.parse(json);
		return Array.isArray(ids)
			? ids.filter((i): i is number => Number.isInteger(i))
			: [];
	} catch {
		return [];
	}
};

/** The principal a user row stands for: system admin by the flag, or while in the directory's admin group. */
export const principalOf = (u: UserRow): Principal => ({
	kind: "user",
	id: u.id,
	name: u.username,
	sysadmin: u.sysadmin === 1 || u.group_admin === 1,
	groupIds: groupIdsOf(u.group_ids),
});
