import type { Db } from "../db/database.ts";
import { createCredentialCache } from "./credential-cache.ts";
import { hashPassword, needsRehash } from "./passwords.ts";
import type { Principal, RobotPermission } from "./policy.ts";

/** Whether `name` has the robot prefix (the `robot_name_prefix` setting; Harbor's default `robot$`, which no username can contain). */
export const isRobotName = (name: string, prefix: string) =>
	name.startsWith(prefix);

export type RobotAuthRow = {
	id: number;
	name: string;
	secret_hash: string;
	disabled: number;
	expires_at: number;
	permissions: string;
};

/** A robot may authenticate only while enabled and unexpired (`expires_at` unix seconds, -1 never). */
export const robotActive = (
	r: { disabled: number; expires_at: number },
	nowSeconds = Date.now() / 1000,
) => r.disabled === 0 && (r.expires_at === -1 || r.expires_at > nowSeconds);

export const robotPrincipal = (r: RobotAuthRow): Principal => ({
	kind: "robot",
	id: r.id,
	name: r.name,
	permissions: JSON.parse(r.permissions) as RobotPermission[],
});

/** Robot accounts as principals: basic credentials (`robot$…:secret`) and token subjects. */
export function createRobotAccounts(db: Db) {
	const verified = createCredentialCache();
	const columns = [
		"id",
		"name",
		"secret_hash",
		"disabled",
		"expires_at",
		"permissions",
	] as const;
	const byName = (name: string) =>
		db
			.selectFrom("robots")
			.select(columns)
			.where("name", "=", name)
			.executeTakeFirst();
	return {
		/**
		 * The robot for these credentials, or null (unknown, wrong secret, disabled or expired). `rememberedOnly`: only a
		 * secret that passed lately counts (nothing is hashed).
		 */
		async verify(
			name: string,
			secret: string,
			opts: { rememberedOnly?: boolean } = {},
		): Promise<Principal | null> {
			const robot = await byName(name);
			if (!robot || !robotActive(robot)) return null;
			if (opts.rememberedOnly)
				return verified.remembers(name, secret, robot.secret_hash)
					? robotPrincipal(robot)
					: null;
			if (!(await verified.check(name, secret, robot.secret_hash))) return null;
			// Hashes made with older parameters are replaced while the secret is at hand.
			if (needsRehash(robot.secret_hash))
				await db
					.updateTable("robots")
					.set({ secret_hash: await hashPassword(secret) })
					.where("id", "=", robot.id)
					.execute();
			return robotPrincipal(robot);
		},
		/** The robot a token names, re-read on every request so a disabled or expired robot stops at once. */
		async active(id: number): Promise<Principal | null> {
			const robot = await db
				.selectFrom("robots")
				.select(columns)
				.where("id", "=", id)
				.executeTakeFirst();
			return robot && robotActive(robot) ? robotPrincipal(robot) : null;
		},
	};
}

export type RobotAccounts = ReturnType<typeof createRobotAccounts>;
