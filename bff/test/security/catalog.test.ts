import http from "node:http";
import type { AddressInfo } from "node:net";
import type { KyselyPlugin } from "kysely";
import { describe, expect, it } from "vitest";
import type { Principal } from "../../auth/policy.ts";
import { createProjectAccess } from "../../auth/project-access.ts";
import { policyCaller } from "../../auth/registry-authorizer.ts";
import { createRegistryApp } from "../../core/registry-app.ts";
import type { CoreServices } from "../../core/routes/context.ts";
import { createRegistryStore } from "../../core/store.ts";
import { type Db, now } from "../../db/database.ts";
import { engines, withDatabase } from "../harness.ts";

/**
 * Issue 9, finding 17: `_catalog` asked the policy about every repository in turn, so a user with no rights made the
 * server read them all (a query or two per repository) to answer an empty page. The catalog filters the projects the
 * caller may pull in SQL: a constant number of queries, whatever is hidden, and `n`/`last` still page in byte order.
 */
describe.each(engines)("the catalog on %s", (engine) => {
	/** Seeds projects and repositories with one artifact each; returns the user ids made. */
	async function seed(db: Db, hiddenRepos: number) {
		const t = now();
		const user = (username: string) =>
			db
				.insertInto("users")
				.values({
					username,
					password_hash: "x",
					creation_time: t,
					update_time: t,
				} as never)
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id);
		const project = (name: string, pub: boolean) =>
			db
				.insertInto("projects")
				.values({
					name,
					owner_id: 1,
					public: pub ? 1 : 0,
					creation_time: t,
					update_time: t,
				})
				.returning("id")
				.executeTakeFirstOrThrow()
				.then((r) => r.id);
		const repos = async (projectId: number, names: string[]) => {
			for (const name of names) {
				const repo = await db
					.insertInto("repositories")
					.values({
						project_id: projectId,
						name,
						creation_time: t,
						update_time: t,
					} as never)
					.returning("id")
					.executeTakeFirstOrThrow();
				await db
					.insertInto("artifacts")
					.values({
						project_id: projectId,
						repository_id: repo.id,
						digest: `sha256:${String(repo.id).padStart(64, "0")}`,
						type: "IMAGE",
						media_type: "application/vnd.oci.image.config.v1+json",
						manifest_media_type: "application/vnd.oci.image.manifest.v1+json",
						size: 1,
						push_time: t,
					} as never)
					.execute();
			}
		};
		const nobody = await user("nobody");
		const guest = await user("guest");
		const open = await project("open", true);
		const team = await project("team", false);
		const secret = await project("secret", false);
		await db
			.insertInto("members")
			.values({
				project_id: team,
				entity_type: "u",
				entity_id: guest,
				role: 3,
				creation_time: t,
				update_time: t,
			})
			.execute();
		// Names chosen so byte order differs from case-insensitive order ('Z' < '_' < 'a').
		await repos(open, ["open/b", "open/B", "open/a_z", "open/a-z", "open/aZ"]);
		await repos(team, ["team/app", "team/App"]);
		await repos(
			secret,
			Array.from(
				{ length: hiddenRepos },
				(_, i) => `secret/r${String(i).padStart(4, "0")}`,
			),
		);
		// A repository with no artifact is never listed.
		await db
			.insertInto("repositories")
			.values({
				project_id: open,
				name: "open/empty",
				creation_time: t,
				update_time: t,
			} as never)
			.execute();
		return { nobody, guest };
	}

	/** Serves the core's /v2 over `db`, as `principal` calling with basic credentials; counts the queries it sends. */
	async function serve(db: Db, principal: Principal) {
		let queries = 0;
		const counting: KyselyPlugin = {
			transformQuery: (a) => {
				queries++;
				return a.node;
			},
			transformResult: async (a) => a.result,
		};
		const counted = db.withPlugin(counting);
		const access = createProjectAccess(counted);
		const app = createRegistryApp({
			services: {
				store: createRegistryStore(counted),
			} as unknown as CoreServices,
			authorizer: {
				authenticate: async () => policyCaller(principal, access, "basic"),
			},
		});
		const server = http.createServer(app);
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return {
			async get(path: string) {
				queries = 0;
				const r = await fetch(`${base}${path}`);
				return {
					status: r.status,
					link: r.headers.get("link"),
					body: (await r.json()) as { repositories: string[] },
					queries,
				};
			},
			close: () => new Promise((r) => server.close(r)),
		};
	}

	const openRepos = ["open/B", "open/a-z", "open/aZ", "open/a_z", "open/b"]; // byte order

	it("costs a few queries whatever the number of hidden repositories, and lists only what the caller may pull", async () => {
		await withDatabase(engine, async (db) => {
			const { nobody, guest } = await seed(db, 300);
			const cases: [Principal, string[]][] = [
				[
					{ kind: "user", id: nobody, name: "nobody", sysadmin: false },
					openRepos,
				],
				[
					{ kind: "user", id: guest, name: "guest", sysadmin: false },
					[
						"open/B",
						"open/a-z",
						"open/aZ",
						"open/a_z",
						"open/b",
						"team/App",
						"team/app",
					],
				],
				[{ kind: "robot", id: 1, name: "robot$none", permissions: [] }, []],
			];
			for (const [principal, expected] of cases) {
				const v2 = await serve(db, principal);
				try {
					const all = await v2.get("/v2/_catalog?n=1000");
					expect(all.status).toBe(200);
					expect(all.body.repositories, principal.name).toEqual(expected);
					// Today's scan asked about each of the 300 hidden repositories.
					expect(all.queries, principal.name).toBeLessThanOrEqual(3);
				} finally {
					await v2.close();
				}
			}
		});
	});

	it("pages with n and last in byte order, with a Link to the next page while one is full", async () => {
		await withDatabase(engine, async (db) => {
			const { guest } = await seed(db, 3);
			const v2 = await serve(db, {
				kind: "user",
				id: guest,
				name: "guest",
				sysadmin: false,
			});
			try {
				const expected = [
					"open/B",
					"open/a-z",
					"open/aZ",
					"open/a_z",
					"open/b",
					"team/App",
					"team/app",
				];
				const seen: string[] = [];
				let next: string | null = "/v2/_catalog?n=2";
				let pages = 0;
				while (next && pages++ < 10) {
					const page = await v2.get(next);
					expect(page.body.repositories.length).toBeLessThanOrEqual(2);
					seen.push(...page.body.repositories);
					next = page.link
						? /^<([^>]+)>; rel="next"$/.exec(page.link)![1]
						: null;
				}
				expect(seen).toEqual(expected);
				const after = await v2.get(
					`/v2/_catalog?last=${encodeURIComponent("open/aZ")}`,
				);
				expect(after.body.repositories).toEqual([
					"open/a_z",
					"open/b",
					"team/App",
					"team/app",
				]);
				const none = await v2.get("/v2/_catalog?n=0");
				expect(none.body.repositories).toEqual([]);
				expect(none.link).toBeNull();
			} finally {
				await v2.close();
			}
		});
	});
});
