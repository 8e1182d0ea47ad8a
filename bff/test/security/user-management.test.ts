import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserService } from "../../auth/users.ts";
import { api } from "../api-fixtures.ts";
import {
	adminAuth,
	adminPassword,
	basic,
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Every user-management operation, walked with users and robots: a system robot holding `user:update` once reset the
 * built-in admin's password without the old one and took the account over (issue 9, finding 3).
 */
type Who = "admin" | "sysadmin" | "alice" | "robotAll" | "robotNarrow";
const everyone: Who[] = [
	"admin",
	"sysadmin",
	"alice",
	"robotAll",
	"robotNarrow",
];
const sysadmins: Who[] = ["admin", "sysadmin"];

describe.each(engines)(
	"user management by users and robots on %s",
	(engine) => {
		let s: TestServer;
		const auth = {} as Record<Who, string>;
		const ids = {} as Record<"sysadmin" | "alice" | "bob", number>;
		let fresh = 0;
		/** A user made for one destructive call, so each call meets the same starting state. */
		const target = async (sysadmin = false) =>
			createUserService(s.db).create({
				username: `target${++fresh}`,
				password: "Passw0rdX",
				sysadmin,
				email: `t${fresh}@example.com`,
			});
		const robot = async (name: string, actions: string[]) => {
			const r = await api(s)("/robots", {
				method: "POST",
				json: {
					name,
					level: "system",
					duration: -1,
					permissions: [
						{
							kind: "system",
							namespace: "/",
							access: actions.map((action) => ({ resource: "user", action })),
						},
					],
				},
			});
			expect(r.status).toBe(201);
			const body = (await r.json()) as { name: string; secret: string };
			return basic(body.name, body.secret);
		};

		beforeAll(async () => {
			s = await startTestServer(engine);
			const users = createUserService(s.db);
			ids.sysadmin = await users.create({
				username: "second-admin",
				password: "Passw0rdX",
				sysadmin: true,
			});
			ids.alice = await users.create({
				username: "alice",
				password: "Passw0rdX",
			});
			ids.bob = await users.create({ username: "bob", password: "Passw0rdX" });
			auth.admin = adminAuth;
			auth.sysadmin = basic("second-admin", "Passw0rdX");
			auth.alice = basic("alice", "Passw0rdX");
			auth.robotAll = await robot("users-all", [
				"create",
				"read",
				"update",
				"delete",
				"list",
			]);
			auth.robotNarrow = await robot("users-narrow", ["read", "update"]);
		});
		afterAll(() => stopTestServer(s));

		type Op = {
			what: string;
			may: Who[];
			call: (as: string) => Promise<Response>;
		};
		const ops: Op[] = [
			{
				what: "list users",
				may: [...sysadmins, "robotAll"],
				call: (as) => api(s)("/users", { auth: as }),
			},
			{
				what: "create a user",
				may: [...sysadmins, "robotAll"],
				call: (as) =>
					api(s)("/users", {
						method: "POST",
						auth: as,
						json: {
							username: `made${++fresh}`,
							password: "Passw0rdX",
							email: `m${fresh}@example.com`,
							realname: "made",
						},
					}),
			},
			{
				what: "read another user",
				may: [...sysadmins, "robotAll", "robotNarrow"],
				call: (as) => api(s)(`/users/${ids.bob}`, { auth: as }),
			},
			{
				what: "update another user's profile",
				may: sysadmins,
				call: (as) =>
					api(s)(`/users/${ids.bob}`, {
						method: "PUT",
						auth: as,
						json: { realname: "Bob B." },
					}),
			},
			{
				what: "reset another user's password",
				may: sysadmins,
				call: async (as) =>
					api(s)(`/users/${await target()}/password`, {
						method: "PUT",
						auth: as,
						json: { new_password: "Takeover123" },
					}),
			},
			{
				what: "reset a system admin's password",
				may: sysadmins,
				call: async (as) =>
					api(s)(`/users/${await target(true)}/password`, {
						method: "PUT",
						auth: as,
						json: { new_password: "Takeover123" },
					}),
			},
			{
				what: "make another user a system admin",
				may: sysadmins,
				call: async (as) =>
					api(s)(`/users/${await target()}/sysadmin`, {
						method: "PUT",
						auth: as,
						json: { sysadmin_flag: true },
					}),
			},
			{
				what: "disable another user",
				may: sysadmins,
				call: async (as) =>
					api(s)(`/users/${await target()}/disable`, {
						method: "PUT",
						auth: as,
						json: { disable: true },
					}),
			},
			{
				what: "delete an ordinary user",
				may: [...sysadmins, "robotAll"],
				call: async (as) =>
					api(s)(`/users/${await target()}`, { method: "DELETE", auth: as }),
			},
			{
				what: "delete a system admin",
				may: sysadmins,
				call: async (as) =>
					api(s)(`/users/${await target(true)}`, {
						method: "DELETE",
						auth: as,
					}),
			},
			// Past the guard the answer is 412 (no OIDC): what matters is who is refused with 403.
			{
				what: "set another user's CLI secret",
				may: sysadmins,
				call: (as) =>
					api(s)(`/users/${ids.bob}/cli_secret`, {
						method: "PUT",
						auth: as,
						json: { secret: "Whatever123" },
					}),
			},
		];

		it("lets each caller do exactly what Harbor allows, and refuses the rest with 403", async () => {
			const wrong: string[] = [];
			for (const op of ops) {
				for (const who of everyone) {
					const r = await op.call(auth[who]);
					const refused = r.status === 403;
					if (
						refused === op.may.includes(who) ||
						r.status === 401 ||
						r.status >= 500
					)
						wrong.push(`${who} ${op.what}: ${r.status}`);
				}
			}
			expect(wrong).toEqual([]);
		});

		it("lets no one but the built-in admin change its password, and never without the old one", async () => {
			for (const who of everyone.filter((w) => w !== "admin")) {
				const r = await api(s)("/users/1/password", {
					method: "PUT",
					auth: auth[who],
					json: { new_password: "Takeover123" },
				});
				expect(r.status, who).toBe(403);
			}
			const withoutOld = await api(s)("/users/1/password", {
				method: "PUT",
				json: { new_password: "Takeover123" },
			});
			expect(withoutOld.status).toBe(400);
			// The attack of the finding: the account is still the admin's.
			expect(
				(
					await api(s)("/users/current", {
						auth: basic("admin", adminPassword),
					})
				).status,
			).toBe(200);
			expect(
				(
					await api(s)("/users/current", {
						auth: basic("admin", "Takeover123"),
					})
				).status,
			).toBe(401);
		});

		it("lets a user change its own password with the old one", async () => {
			const r = await api(s)(`/users/${ids.alice}/password`, {
				method: "PUT",
				auth: auth.alice,
				json: { old_password: "Passw0rdX", new_password: "Passw0rdY" },
			});
			expect(r.status).toBe(200);
			auth.alice = basic("alice", "Passw0rdY");
			expect(
				(await api(s)("/users/current", { auth: auth.alice })).status,
			).toBe(200);
		});
	},
);
