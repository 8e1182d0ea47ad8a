import { decodeJwt, importPKCS8, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSecretBox, loadMasterKey } from "../../auth/secrets.ts";
import { addProject, addUser, api, login } from "../api-fixtures.ts";
import { client } from "../distribution-helpers.ts";
import {
	basic,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../harness.ts";

/**
 * Sessions and tokens outlived the rights that made them (issue 9, finding 10), and tokens named their user by name,
 * so a new account with a deleted one's name revived its tokens (finding 16).
 */
describe("rights checked when they are used, not when a session or token was made", () => {
	let s: TestServer;
	beforeAll(async () => {
		s = await startTestServer("sqlite");
	});
	afterAll(() => stopTestServer(s));

	const token = async (auth: string, scope: string) => {
		const r = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=${encodeURIComponent(scope)}`,
			{ headers: { Authorization: auth } },
		);
		expect(r.status).toBe(200);
		return ((await r.json()) as { token: string }).token;
	};
	const session = async (user: string, password: string) => {
		const r = await login(s, user, password);
		expect(r.status).toBe(200);
		const cookie = r.headers.get("set-cookie")!.split(";")[0];
		return { cookie, csrf: r.headers.get("x-harbor-csrf-token")! };
	};
	const whoAmI = (cookie: string) =>
		fetch(`${s.url}/api/v2.0/users/current`, {
			headers: { Cookie: cookie },
		}).then((r) => r.status);

	it("ends the other sessions when a user changes its password, and keeps the one that changed it", async () => {
		const alice = await addUser(s, "alice", "Passw0rdA");
		const mine = await session("alice", "Passw0rdA");
		const thief = await session("alice", "Passw0rdA");
		const r = await fetch(`${s.url}/api/v2.0/users/${alice.id}/password`, {
			method: "PUT",
			headers: {
				Cookie: mine.cookie,
				"X-Harbor-CSRF-Token": mine.csrf,
				"Content-Type": "application/json",
				Origin: s.url,
			},
			body: JSON.stringify({
				old_password: "Passw0rdA",
				new_password: "Passw0rdB",
			}),
		});
		expect(r.status).toBe(200);
		expect(await whoAmI(mine.cookie)).toBe(200);
		expect(await whoAmI(thief.cookie)).toBe(401);
	});

	it("ends every session of a user whose password an admin resets", async () => {
		const bob = await addUser(s, "bob", "Passw0rdA");
		const one = await session("bob", "Passw0rdA");
		const two = await session("bob", "Passw0rdA");
		expect(
			(
				await api(s)(`/users/${bob.id}/password`, {
					method: "PUT",
					json: { new_password: "Passw0rdB" },
				})
			).status,
		).toBe(200);
		expect(await whoAmI(one.cookie)).toBe(401);
		expect(await whoAmI(two.cookie)).toBe(401);
	});

	it("stops a token of a member removed from the project, for pulls and pushes", async () => {
		const dev = await addUser(s, "dev", "Passw0rdA");
		const projectId = await addProject(s, "team", { members: [[dev.id, 2]] });
		await client(s).pushImage("team/app", "v1");
		const t = await token(dev.auth, "repository:team/app:pull,push");
		expect(
			(decodeJwt(t) as { access: { actions: string[] }[] }).access[0].actions,
		).toEqual(["pull", "push"]);
		const bearer = { Authorization: `Bearer ${t}` };
		expect(
			(await fetch(`${s.url}/v2/team/app/manifests/v1`, { headers: bearer }))
				.status,
		).toBe(200);
		await s.db
			.deleteFrom("members")
			.where("project_id", "=", projectId)
			.where("entity_id", "=", dev.id)
			.execute();
		expect(
			(await fetch(`${s.url}/v2/team/app/manifests/v1`, { headers: bearer }))
				.status,
		).toBe(401);
		expect(
			(
				await fetch(`${s.url}/v2/team/app/blobs/uploads/`, {
					method: "POST",
					headers: bearer,
				})
			).status,
		).toBe(401);
	});

	it("names the principal by kind and id in sub, so a new user of a deleted user's name gets none of its tokens", async () => {
		const old = await addUser(s, "carol", "Passw0rdA");
		await addProject(s, "carols", { members: [[old.id, 1]] });
		await client(s).pushImage("carols/app", "v1");
		const t = await token(old.auth, "repository:carols/app:pull");
		expect(decodeJwt(t).sub).toBe(`user:${old.id}`);
		expect(
			(await api(s)(`/users/${old.id}`, { method: "DELETE" })).status,
		).toBe(200);
		const renewed = await addUser(s, "carol", "Passw0rdA");
		await s.db
			.insertInto("members")
			.values({
				project_id: (
					await s.db
						.selectFrom("projects")
						.select("id")
						.where("name", "=", "carols")
						.executeTakeFirstOrThrow()
				).id,
				entity_type: "u",
				entity_id: renewed.id,
				role: 1,
				creation_time: "",
				update_time: "",
			})
			.execute();
		expect(
			(
				await fetch(`${s.url}/v2/carols/app/manifests/v1`, {
					headers: { Authorization: `Bearer ${t}` },
				})
			).status,
		).toBe(401);
		// The new carol's own token works.
		const fresh = await token(
			basic("carol", "Passw0rdA"),
			"repository:carols/app:pull",
		);
		expect(
			(
				await fetch(`${s.url}/v2/carols/app/manifests/v1`, {
					headers: { Authorization: `Bearer ${fresh}` },
				})
			).status,
		).toBe(200);
	});

	it("refuses a correctly signed token without an expiry, and takes the same token with one", async () => {
		await client(s).pushImage("library/app", "v1");
		const row = await s.db
			.selectFrom("signing_keys")
			.selectAll()
			.orderBy("creation_time", "desc")
			.executeTakeFirstOrThrow();
		const key = await importPKCS8(
			createSecretBox(loadMasterKey(s.dataDir, undefined)).open(
				row.private_key,
			),
			"RS256",
		);
		const sign = (exp: boolean) => {
			const jwt = new SignJWT({
				access: [
					{ type: "repository", name: "library/app", actions: ["pull"] },
				],
			})
				.setProtectedHeader({ alg: "RS256", kid: row.kid })
				.setIssuer("harbor-token-issuer")
				.setAudience("harbor-registry")
				.setSubject("user:1");
			return (exp ? jwt.setExpirationTime("5m") : jwt).sign(key);
		};
		const pull = async (t: string) =>
			(
				await fetch(`${s.url}/v2/library/app/tags/list`, {
					headers: { Authorization: `Bearer ${t}` },
				})
			).status;
		expect(await pull(await sign(false))).toBe(401);
		expect(await pull(await sign(true))).toBe(200);
	});

	it("reserves the name anonymous, and refuses scopes that name no valid repository", async () => {
		const r = await api(s)("/users", {
			method: "POST",
			json: {
				username: "anonymous",
				password: "Passw0rdA",
				email: "a@example.com",
				realname: "a",
			},
		});
		expect(r.status).toBe(400);
		const bad = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=${encodeURIComponent("repository:../etc:pull")}`,
		);
		expect(bad.status).toBe(400);
		const noProject = await fetch(
			`${s.url}/service/token?service=harbor-registry&scope=${encodeURIComponent("repository:app:pull")}`,
		);
		expect(noProject.status).toBe(400);
	});
});
