import type { Db } from "../../db/database.ts";
import { now } from "../../db/database.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import type { Condition, SortKey } from "../harbor-query.ts";

export type UserRecord = {
	id: number;
	username: string;
	email: string | null;
	realname: string;
	comment: string;
	sysadmin: number;
	disabled: number;
	/** Set for users who sign in through LDAP, and whether their last sign-in found them in the admin group. */
	ldap_dn: string | null;
	group_admin: number;
	creation_time: string;
	update_time: string;
};

const columns = [
	"id",
	"username",
	"email",
	"realname",
	"comment",
	"sysadmin",
	"disabled",
	"ldap_dn",
	"group_admin",
	"creation_time",
	"update_time",
] as const;
/** Harbor's sort keys mapped to columns. */
const sortColumns = {
	user_id: "id",
	username: "username",
	email: "email",
	creation_time: "creation_time",
	update_time: "update_time",
} as const;
export const userSortKeys = Object.keys(sortColumns);
export const userQueryKeys = ["username", "email"] as const;

/** The users table as the `user` API sees it (passwords go through the UserService). */
export function createUserStore(db: Db) {
	/** Conditions on `username` or `email`: exact, fuzzy or any-of (the service refuses the others). */
	const filtered = (conditions: Condition[]) => {
		let q = db.selectFrom("users");
		for (const c of conditions) {
			const column = c.key === "email" ? "email" : "username";
			if (c.op === "exact") q = q.where(column, "=", c.value);
			else if (c.op === "fuzzy")
				q = q.where(containsIgnoringCase(column, c.value));
			else if (c.op === "or")
				q = q.where(column, "in", c.values.length ? c.values : [""]);
		}
		return q;
	};
	return {
		async list(
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) {
			let q = filtered(conditions).select(columns);
			for (const s of sort)
				q = q.orderBy(
					sortColumns[s.key as keyof typeof sortColumns],
					s.desc ? "desc" : "asc",
				);
			const [rows, count] = await Promise.all([
				q.orderBy("id").limit(limit).offset(offset).execute(),
				filtered(conditions)
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.executeTakeFirstOrThrow(),
			]);
			return { rows: rows as UserRecord[], total: Number(count.n) };
		},
		/** `user_id` and `username` of users whose name contains `part`, by name. */
		async search(part: string, limit: number, offset: number) {
			const where = containsIgnoringCase("username", part);
			const [rows, count] = await Promise.all([
				db
					.selectFrom("users")
					.select(["id", "username"])
					.where(where)
					.orderBy("username")
					.limit(limit)
					.offset(offset)
					.execute(),
				db
					.selectFrom("users")
					.select((eb) => eb.fn.countAll<number>().as("n"))
					.where(where)
					.executeTakeFirstOrThrow(),
			]);
			return { rows, total: Number(count.n) };
		},
		byId: (id: number) =>
			db
				.selectFrom("users")
				.select(columns)
				.where("id", "=", id)
				.executeTakeFirst() as Promise<UserRecord | undefined>,
		async taken(field: "username" | "email", value: string, exceptId?: number) {
			let q = db.selectFrom("users").select("id").where(field, "=", value);
			if (exceptId !== undefined) q = q.where("id", "!=", exceptId);
			return (await q.executeTakeFirst()) !== undefined;
		},
		async updateProfile(
			id: number,
			profile: { email?: string; realname?: string; comment?: string },
		) {
			await db
				.updateTable("users")
				.set({ ...profile, update_time: now() })
				.where("id", "=", id)
				.execute();
		},
		async setSysadmin(id: number, sysadmin: boolean) {
			await db
				.updateTable("users")
				.set({ sysadmin: sysadmin ? 1 : 0, update_time: now() })
				.where("id", "=", id)
				.execute();
		},
		/** Disables or enables the user; disabling ends its console sessions in the same step. */
		async setDisabled(id: number, disabled: boolean) {
			await db.transaction().execute(async (tx) => {
				await tx
					.updateTable("users")
					.set({ disabled: disabled ? 1 : 0, update_time: now() })
					.where("id", "=", id)
					.execute();
				if (disabled)
					await tx.deleteFrom("sessions").where("user_id", "=", id).execute();
			});
		},
		/** Removes the user with its memberships (sessions go by cascade); audit rows keep the name. */
		async remove(id: number) {
			await db.transaction().execute(async (tx) => {
				await tx
					.deleteFrom("members")
					.where("entity_type", "=", "u")
					.where("entity_id", "=", id)
					.execute();
				await tx.deleteFrom("users").where("id", "=", id).execute();
			});
		},
	};
}

export type UserStore = ReturnType<typeof createUserStore>;
