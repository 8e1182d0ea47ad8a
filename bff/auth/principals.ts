import { setTimeout as sleep } from "node:timers/promises";
import type { AuditSink } from "../core/access.ts";
import type { Db } from "../db/database.ts";
import type { LdapConfig } from "./ldap.ts";
import type { LdapSignIn } from "./ldap-sign-in.ts";
import type { LoginThrottle } from "./login-throttle.ts";
import type { Principal } from "./policy.ts";
import { createRobotAccounts, isRobotName } from "./robot-accounts.ts";
import { parseSubject } from "./tokens.ts";
import { principalOf, type UserRow, type UserService } from "./users.ts";

/** Every place a password or robot secret is checked: each is throttled and audited alike. */
export type Door = "console" | "token" | "api" | "registry";

/** Where credentials came from: the door, the client's address, and whether only users (not robots) may pass. */
export type Attempt = { door: Door; address: string; usersOnly?: boolean };

/** A credential check's outcome: who it is, or why not (`locked`: too many failures, refused before hashing). */
export type CredentialCheck =
	| { principal: Principal }
	| { refused: "invalid" | "locked" };

/** Who a credential or a token subject is, users and robots alike: the one answer for /v2, /service/token, /api and /c/login. */
export function createPrincipals(deps: {
	db: Db;
	users: UserService;
	throttle: LoginThrottle;
	audit: AuditSink;
	robotPrefix: () => Promise<string>;
	/** The LDAP settings while auth_mode is ldap_auth, else null; and how a person signs in there. */
	directory?: { config: () => Promise<LdapConfig | null>; signIn: LdapSignIn };
	/** Whether auth_mode is oidc_auth, and how an OIDC user's CLI secret is checked. */
	oidc?: {
		on: () => Promise<boolean>;
		verifyCliSecret: (
			username: string,
			secret: string,
		) => Promise<UserRow | null>;
	};
}) {
	const { users, throttle, audit } = deps;
	const robots = createRobotAccounts(deps.db);
	/**
	 * A name with the current robot prefix is tried as a robot first, any other as a user first. A robot keeps the name it
	 * was made with when the prefix changes, and a user whose name begins with a new prefix keeps their account: each
	 * name is tried as the other kind when the first finds no match. `rememberedOnly`: only a credential that passed
	 * lately counts (nothing hashed, no directory asked).
	 */
	const check = async (
		username: string,
		password: string,
		usersOnly: boolean,
		door: Door,
		rememberedOnly = false,
	): Promise<Principal | null> => {
		const asUser = async () => {
			if (rememberedOnly) {
				// A directory's or provider's user is checked there, never from memory.
				const elsewhere =
					username !== "admin" &&
					((deps.oidc && (await deps.oidc.on())) ||
						(deps.directory && (await deps.directory.config())));
				if (elsewhere) return null;
				const user = await users.verify(username, password, {
					rememberedOnly,
				});
				return user ? principalOf(user) : null;
			}
			// Under OIDC everyone but admin signs in at the provider: here only with their CLI secret, and not at the
			// console (whose sign-in is the provider's), as Harbor.
			if (username !== "admin" && deps.oidc && (await deps.oidc.on())) {
				if (door === "console") return null;
				const user = await deps.oidc.verifyCliSecret(username, password);
				return user ? principalOf(user) : null;
			}
			// Under LDAP everyone but admin signs in there (Harbor: admin always signs in locally); a console sign-in always
			// asks the directory afresh, so it refreshes the groups.
			const ldap =
				username !== "admin" && deps.directory
					? await deps.directory.config()
					: null;
			const user = ldap
				? await deps.directory!.signIn.signIn(ldap, username, password, {
						fresh: door === "console",
					})
				: await users.verify(username, password);
			return user ? principalOf(user) : null;
		};
		if (usersOnly) return asUser();
		const asRobot = () => robots.verify(username, password, { rememberedOnly });
		if (isRobotName(username, await deps.robotPrefix()))
			return (await asRobot()) ?? asUser();
		// A directory that does not answer fails a user's sign-in, not a robot's whose name lacks today's prefix.
		let user: Principal | null;
		try {
			user = await asUser();
		} catch (e) {
			const robot = await asRobot();
			if (robot) return robot;
			throw e;
		}
		return user ?? asRobot();
	};
	return {
		/** Basic credentials: a robot when the name has the robot prefix, else a user. Throttled and audited at every door. */
		async verify(
			username: string,
			password: string,
			at: Attempt,
		): Promise<CredentialCheck> {
			const name = username.slice(0, 255);
			const refuse = (
				why: "invalid" | "locked",
				audited = true,
			): CredentialCheck => {
				if (audited)
					audit.record({
						project: null,
						operator: name,
						resource: at.door,
						resourceType: "user",
						operation: why === "locked" ? "login_locked" : "login_failed",
					});
				return { refused: why };
			};
			const attempt = await throttle.attempt(name, at.address);
			// Past the limit, a credential that passed lately still passes: checking it hashes nothing, so it gives a guesser
			// nothing, and a client sending the right password many times at once (a CI fleet behind one address) would
			// otherwise lock itself out, since an attempt counts as a failure until it succeeds.
			const remembered = attempt.ok
				? null
				: await check(name, password, at.usersOnly ?? false, at.door, true);
			if (remembered) {
				await throttle.succeeded(name, at.address);
				return { principal: remembered };
			}
			if (!attempt.ok) {
				// A refusal is cheap, but 32 clients looping on it still take a core from pulls: each waits a second first, so
				// a flood slows to one attempt per client per second. The lock is audited when it first refuses someone; the
				// refusals after it would only be a flood of rows.
				await sleep(throttle.lockedDelayMs);
				return refuse("locked", attempt.first);
			}
			const principal = await check(
				name,
				password,
				at.usersOnly ?? false,
				at.door,
			);
			if (!principal) return refuse("invalid");
			await throttle.succeeded(name, at.address);
			return { principal };
		},
		/** A token's subject (`user:<id>`, `robot:<id>`), if it still exists and is enabled (and, for a robot, unexpired). */
		async bySubject(sub: string): Promise<Principal | null> {
			const subject = parseSubject(sub);
			if (!subject) return null;
			if (subject.kind === "robot") return robots.active(subject.id);
			const user = await users.byId(subject.id);
			return user && !user.disabled ? principalOf(user) : null;
		},
	};
}

export type Principals = ReturnType<typeof createPrincipals>;
