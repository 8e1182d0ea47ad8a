import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { type Db, now } from "../db/database.ts";
import { ApiError } from "../http/errors.ts";
import type { OidcPerson } from "./oidc.ts";
import type { SecretBox } from "./secrets.ts";
import type { UserGroupStore } from "./user-groups.ts";
import type { UserRow, UserService } from "./users.ts";

/** Users signing in through OIDC have no password here: this hash never verifies. */
const noLocalPassword = "oidc";

/** A CLI secret as Harbor generates them: 32 characters that pass the password rule. */
export const generateCliSecret = () =>
	`Cs${randomBytes(24).toString("base64url")}9x`.slice(0, 32);

const same = (a: string, b: string) => {
	const x = createHash("sha256").update(a).digest();
	const y = createHash("sha256").update(b).digest();
	return timingSafeEqual(x, y);
};

/**
 * OIDC users (Harbor's oidc_user): onboarding, the standing (groups, admin group) each sign-in writes, the last ID
 * token, and the CLI secret, sealed at rest under the master key so its owner can see it again, compared in constant
 * time. The user row itself is the one table every other door reads.
 */
export function createOidcUsers(deps: {
	db: Db;
	box: SecretBox;
	users: UserService;
	groups: UserGroupStore;
}) {
	const { db, box } = deps;
	const bySubiss = (subiss: string) =>
		db
			.selectFrom("oidc_users")
			.select(["id", "user_id"])
			.where("subiss", "=", subiss)
			.executeTakeFirst();
	const meta = (userId: number) =>
		db
			.selectFrom("oidc_users")
			.selectAll()
			.where("user_id", "=", userId)
			.executeTakeFirst();

	const standingOf = async (p: OidcPerson) => ({
		groupIds: await deps.groups.populateOidc(p.groups),
		admin: p.admin,
	});

	return {
		meta,
		/** The user this person already is here, their standing and ID token written again; null if none yet. */
		async signIn(
			p: OidcPerson,
			idToken: string,
		): Promise<UserRow | "disabled" | null> {
			const link = await bySubiss(p.subiss);
			if (!link) return null;
			const user = await deps.users.setStanding(
				link.user_id,
				await standingOf(p),
			);
			if (!user || user.disabled) return "disabled";
			await db
				.updateTable("oidc_users")
				.set({ token: box.seal(idToken), update_time: now() })
				.where("id", "=", link.id)
				.execute();
			return user;
		},

		/** Onboards the person under `username` with a new CLI secret; a name (or address) taken is a conflict. */
		async onboard(
			p: OidcPerson,
			username: string,
			idToken: string,
		): Promise<UserRow> {
			const standing = await standingOf(p);
			const t = now();
			const taken = await deps.users.byName(username);
			if (taken)
				throw new ApiError(
					"CONFLICT",
					`the username ${username} is already taken: choose another`,
				);
			const email =
				p.email &&
				!(await db
					.selectFrom("users")
					.select("id")
					.where("email", "=", p.email)
					.executeTakeFirst())
					? p.email
					: null;
			const id = await db.transaction().execute(async (tx) => {
				const row = await tx
					.insertInto("users")
					.values({
						username,
						email,
						realname: p.realname,
						comment: "from OIDC",
						password_hash: noLocalPassword,
						sysadmin: 0,
						disabled: 0,
						group_ids: JSON.stringify(standing.groupIds),
						group_admin: standing.admin ? 1 : 0,
						creation_time: t,
						update_time: t,
					})
					.returning("id")
					.executeTakeFirstOrThrow();
				await tx
					.insertInto("oidc_users")
					.values({
						user_id: row.id,
						subiss: p.subiss,
						secret: box.seal(generateCliSecret()),
						token: box.seal(idToken),
						creation_time: t,
						update_time: t,
					})
					.execute();
				return row.id;
			});
			return (await deps.users.byId(id))!;
		},

		/** The user whose CLI secret this is (enabled, onboarded through OIDC), or null. */
		async verifyCliSecret(
			username: string,
			secret: string,
		): Promise<UserRow | null> {
			const user = await deps.users.byName(username);
			if (!user || user.disabled) return null;
			const m = await meta(user.id);
			if (!m) return null;
			return same(box.open(m.secret), secret) ? user : null;
		},

		/** The CLI secret in the clear, for its owner's profile. */
		async secretOf(userId: number): Promise<string | null> {
			const m = await meta(userId);
			return m ? box.open(m.secret) : null;
		},

		/** Replaces the CLI secret: the old one stops working at once. False when the user is no OIDC user. */
		async setSecret(userId: number, secret: string): Promise<boolean> {
			const r = await db
				.updateTable("oidc_users")
				.set({ secret: box.seal(secret), update_time: now() })
				.where("user_id", "=", userId)
				.executeTakeFirst();
			return Number(r.numUpdatedRows) > 0;
		},

		/** The last ID token, for the provider's end-session endpoint. */
		async idToken(userId: number): Promise<string | null> {
			const m = await meta(userId);
			return m?.token ? box.open(m.token) : null;
		},
	};
}

export type OidcUsers = ReturnType<typeof createOidcUsers>;
