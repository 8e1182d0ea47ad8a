import { describe, expect, it } from "vitest";
import { basic, engines } from "../../harness.ts";
import { omitEmpty, providerServer } from "./go-client.ts";

/** A `harbor_user` resource's arguments (provider/resource_user.go). */
type UserConfig = {
	username: string;
	password: string;
	admin: boolean;
	email: string;
	full_name: string;
};

/** client.UserBody with models.UserBody's JSON tags (every field omitempty): a false admin flag is not sent at all. */
const userBody = (c: UserConfig) =>
	omitEmpty({
		username: c.username,
		password: c.password,
		realname: c.full_name,
		sysadmin_flag: c.admin,
		email: c.email,
		new_password: c.password,
	});

describe.each(engines)(
	"Terraform provider: harbor_user against %s",
	(engine) => {
		const ctx = providerServer(engine);

		/** resourceUserRead. */
		async function read(id: string) {
			const r = await ctx.tf.send("GET", id);
			expect(r.status, r.text).toBe(200);
			const u = r.json as {
				username: string;
				realname: string;
				email: string;
				sysadmin_flag: boolean;
			};
			return {
				username: u.username,
				full_name: u.realname,
				email: u.email,
				admin: u.sysadmin_flag,
			};
		}
		/** resourceUserUpdate: the profile, the admin flag, and the password when it changed, all with the same body. */
		async function update(id: string, c: UserConfig, passwordChanged = false) {
			const body = userBody(c);
			expect((await ctx.tf.send("PUT", id, body)).status).toBe(200);
			const flag = await ctx.tf.send("PUT", `${id}/sysadmin`, body);
			expect(flag.status, flag.text).toBe(200);
			if (passwordChanged)
				expect((await ctx.tf.send("PUT", `${id}/password`, body)).status).toBe(
					200,
				);
		}

		it("creates a user, turns the admin flag on and off (off being a body without sysadmin_flag), changes the password, deletes", async () => {
			const config: UserConfig = {
				username: "tf-user",
				password: "Terraform123",
				admin: false,
				email: "tf-user@example.com",
				full_name: "TF User",
			};
			const created = await ctx.tf.send("POST", "/users", userBody(config));
			expect(created.status, created.text).toBe(201);
			const id = ctx.tf.idOf(created.location);
			expect(id).toMatch(/^\/users\/\d+$/);
			const { password: _p, ...state } = config;
			expect(await read(id)).toEqual(state);

			await update(id, { ...config, admin: true, full_name: "TF Admin" });
			expect(await read(id)).toEqual({
				...state,
				admin: true,
				full_name: "TF Admin",
			});

			const back = { ...config, admin: false };
			expect(userBody(back)).not.toHaveProperty("sysadmin_flag");
			await update(id, back);
			expect(await read(id)).toEqual(state);

			await update(id, { ...config, password: "Terraform456" }, true);
			expect(
				(
					await fetch(`${ctx.s.url}/api/v2.0/users/current`, {
						headers: { Authorization: basic("tf-user", "Terraform456") },
					})
				).status,
			).toBe(200);

			expect((await ctx.tf.send("DELETE", id)).status).toBe(200);
			expect((await ctx.tf.send("GET", id)).status).toBe(404);
		});
	},
);
