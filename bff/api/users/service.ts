import { passwordProblem, verifyPassword } from "../../auth/passwords.ts";
import type { Principal } from "../../auth/policy.ts";
import type { UserService } from "../../auth/users.ts";
import type { AuditSink } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { ApiError, badRequest, forbidden, notFound } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import { createUserStore, type UserRecord } from "./store.ts";

/** Harbor's UserResp. */
export const userResp = (u: UserRecord) => ({
	user_id: u.id,
	username: u.username,
	email: u.email ?? "",
	realname: u.realname,
	comment: u.comment,
	sysadmin_flag: u.sysadmin === 1,
	admin_role_in_auth: u.group_admin === 1,
	creation_time: u.creation_time,
	update_time: u.update_time,
	// Beyond Harbor: whether the account is disabled (PUT /users/{id}/disable).
	disable: u.disabled === 1,
});

export type UserCreation = {
	username: string;
	password: string;
	email?: string;
	realname?: string;
	comment?: string;
};
export type UserProfile = {
	email?: string;
	realname?: string;
	comment?: string;
};

/** The built-in admin (user 1) can be neither deleted nor demoted, as in Harbor. */
const builtInAdmin = 1;
const illegal = /[,~#$%"]/;
/** Names that stand for no account: `anonymous` is how the audit log and tokens name a caller without credentials. */
const reservedNames = new Set(["anonymous"]);
// Harbor's e-mail check, loosely: something@domain.tld.
const emailFormat =
	/^[^\s@<>()[\]\\,;:"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** Harbor's profile rules (src/server/v2.0/handler/user.go): a valid e-mail, a realname of 1–255, a comment of ≤30. */
function profileProblem(p: UserProfile): string | null {
	if (!p.email) return "email can't be empty";
	if (p.email.length > 255 || !emailFormat.test(p.email))
		return "email with illegal format";
	if (!p.realname || p.realname.length > 255)
		return "realname with illegal length (1 to 255 characters)";
	if (illegal.test(p.realname))
		return 'realname contains illegal characters (, ~ # $ % ")';
	if ((p.comment ?? "").length > 30)
		return "comment with illegal length (at most 30 characters)";
	return null;
}

/** The rules of the `user` tag; the router has already checked who may call what. */
export function createUsersService(deps: {
	db: Db;
	users: UserService;
	audit: AuditSink;
}) {
	const store = createUserStore(deps.db);
	const audit = (
		operator: Principal,
		username: string,
		operation: string,
		description?: string,
	) =>
		deps.audit.record({
			project: null,
			operator: operator.name,
			resource: username,
			resourceType: "user",
			operation,
			description,
		});
	const mustFind = async (id: number) => {
		const u = await store.byId(id);
		if (!u) throw notFound(`user ${id} not found`);
		return u;
	};
	const conflictOnTaken = async (
		field: "username" | "email",
		value: string,
		exceptId?: number,
	) => {
		if (await store.taken(field, value, exceptId))
			throw new ApiError("CONFLICT", `${field} ${value} is already taken`);
	};

	return {
		async list(
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			const bad = conditions.find(
				(c) => c.op !== "exact" && c.op !== "fuzzy" && c.op !== "or",
			);
			if (bad)
				throw badRequest(
					`${bad.key} supports only exact (k=v), fuzzy (k=~v) and any-of (k={a b}) matches`,
				);
			const { rows, total } = await store.list(conditions, sort, limit, offset);
			return { items: rows.map(userResp), total };
		},
		async search(part: string, limit: number, offset: number) {
			const { rows, total } = await store.search(part, limit, offset);
			return {
				items: rows.map((u) => ({ user_id: u.id, username: u.username })),
				total,
			};
		},
		get: async (id: number) => userResp(await mustFind(id)),

		async create(actor: Principal, req: UserCreation): Promise<number> {
			if (!req.username || req.username.length > 255)
				throw badRequest("username with illegal length (1 to 255 characters)");
			if (illegal.test(req.username) || /\s/.test(req.username))
				throw badRequest(
					'username contains illegal characters (, ~ # $ % " or spaces)',
				);
			if (reservedNames.has(req.username.toLowerCase()))
				throw badRequest(`the username ${req.username} is reserved`);
			if (!req.password) throw badRequest("empty password");
			const weak = passwordProblem(req.password);
			if (weak) throw badRequest(weak);
			const problem = profileProblem(req);
			if (problem) throw badRequest(problem);
			await conflictOnTaken("username", req.username);
			await conflictOnTaken("email", req.email!);
			try {
				const id = await deps.users.create({
					username: req.username,
					password: req.password,
					email: req.email,
					realname: req.realname,
					comment: req.comment,
				});
				audit(actor, req.username, "create");
				return id;
			} catch (e) {
				if (isUniqueViolation(e))
					throw new ApiError("CONFLICT", "username or email is already taken");
				throw e;
			}
		},

		async updateProfile(id: number, profile: UserProfile) {
			const current = await mustFind(id);
			const merged = {
				email: profile.email ?? current.email ?? "",
				realname: profile.realname ?? current.realname,
				comment: profile.comment ?? current.comment,
			};
			const problem = profileProblem(merged);
			if (problem) throw badRequest(problem);
			await conflictOnTaken("email", merged.email, id);
			try {
				await store.updateProfile(id, merged);
			} catch (e) {
				if (isUniqueViolation(e))
					throw new ApiError(
						"CONFLICT",
						`email ${merged.email} is already taken`,
					);
				throw e;
			}
		},

		async remove(actor: Principal, id: number) {
			if (id === builtInAdmin)
				throw forbidden("the built-in admin cannot be deleted");
			if (actor.kind === "user" && actor.id === id)
				throw forbidden("you cannot delete yourself");
			const u = await mustFind(id);
			// A robot's `user:delete` covers ordinary accounts: removing the administrators would lock the owners out.
			if (actor.kind !== "user" && u.sysadmin === 1)
				throw forbidden(
					"only a system administrator may delete a system administrator",
				);
			await store.remove(id);
			audit(actor, u.username, "delete");
		},

		async setSysadmin(actor: Principal, id: number, sysadmin: boolean) {
			const u = await mustFind(id);
			if (id === builtInAdmin || (actor.kind === "user" && actor.id === id)) {
				if ((u.sysadmin === 1) !== sysadmin)
					throw forbidden(
						"you cannot change the admin flag of yourself or of the built-in admin",
					);
				return;
			}
			await store.setSysadmin(id, sysadmin);
			const was = u.sysadmin === 1;
			audit(
				actor,
				u.username,
				"update",
				was === sysadmin ? undefined : `sysadmin_flag: ${was} → ${sysadmin}`,
			);
		},

		/**
		 * Disables (or enables) an account, as admins leaving a leaver's account in place ask for: its sessions end at once,
		 * and its tokens and credentials stop at the next request (authentication re-reads the flag every time).
		 */
		async setDisabled(actor: Principal, id: number, disabled: boolean) {
			const u = await mustFind(id);
			if (id === builtInAdmin || (actor.kind === "user" && actor.id === id))
				throw forbidden("you cannot disable yourself or the built-in admin");
			if ((u.disabled === 1) === disabled) return;
			await store.setDisabled(id, disabled);
			audit(actor, u.username, disabled ? "disable" : "enable");
		},

		/**
		 * Your own password needs the current one (400 when missing, 403 when wrong); a system admin resetting another
		 * user's does not. The new one must follow the rule and differ from the old.
		 */
		async changePassword(
			actor: Principal,
			id: number,
			req: { old_password?: string; new_password?: string },
			currentSessionCsrf?: string,
		) {
			const target = await deps.users.byId(id);
			if (!target) throw notFound(`user ${id} not found`);
			const self = actor.kind === "user" && actor.id === id;
			// The built-in admin is the way back in when everything else fails: no other account may take it over.
			if (id === builtInAdmin && !self)
				throw forbidden("only the built-in admin may change its own password");
			if ((await store.byId(id))?.ldap_dn)
				throw forbidden(
					`${target.username} signs in through LDAP: the password is changed there`,
				);
			if (
				await deps.db
					.selectFrom("oidc_users")
					.select("id")
					.where("user_id", "=", id)
					.executeTakeFirst()
			)
				throw forbidden(
					`${target.username} signs in through OIDC: the provider keeps the password (docker and podman take the CLI secret)`,
				);
			if (self) {
				if (!req.old_password)
					throw badRequest(
						"old_password is required to change your own password",
					);
				if (!(await verifyPassword(req.old_password, target.password_hash)))
					throw forbidden("the current password is incorrect");
			}
			if (!req.new_password) throw badRequest("new_password is required");
			const weak = passwordProblem(req.new_password);
			if (weak) throw badRequest(weak);
			if (await verifyPassword(req.new_password, target.password_hash))
				throw badRequest("the new password must differ from the old one");
			// The caller's own session survives its own change; every other session of the user ends.
			await deps.users.setPassword(id, req.new_password, {
				keepSessionCsrf: self ? currentSessionCsrf : undefined,
			});
			audit(
				actor,
				target.username,
				"update",
				self ? "password changed" : "password reset",
			);
		},
	};
}

export type UsersService = ReturnType<typeof createUsersService>;
