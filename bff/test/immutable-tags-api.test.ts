import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "./api-assertions.ts";
import { addProject, addUser, api } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { eventually } from "./replication-fixtures.ts";

type Rule = {
	id: number;
	project_id: number;
	priority: number;
	disabled: boolean;
	action: string;
	template: string;
	tag_selectors: { kind: string; decoration: string; pattern: string }[];
	scope_selectors: {
		repository: { kind: string; decoration: string; pattern: string }[];
	};
};

/** A rule body as Harbor's portal sends it. */
const rule = (
	tags: string,
	repos = "**",
	extra: Record<string, unknown> = {},
) => ({
	action: "immutable",
	template: "immutable_template",
	disabled: false,
	priority: 0,
	tag_selectors: [{ kind: "doublestar", decoration: "matches", pattern: tags }],
	scope_selectors: {
		repository: [
			{ kind: "doublestar", decoration: "repoMatches", pattern: repos },
		],
	},
	...extra,
});

describe.each(engines)("immutable tag rules API on %s", (engine) => {
	let s: TestServer;
	let call: ReturnType<typeof api>;
	const users: Record<string, { id: number; auth: string }> = {};
	let projectId: number;

	const idOf = (r: Response) =>
		Number(r.headers.get("location")!.split("/").pop());
	const rulesOf = async (project: string) => {
		const r = await call(`/projects/${project}/immutabletagrules`);
		expect(r.status).toBe(200);
		return {
			rules: (await r.json()) as Rule[],
			total: r.headers.get("x-total-count"),
		};
	};
	const create = async (project: string, body: unknown, auth?: string) => {
		const r = await call(`/projects/${project}/immutabletagrules`, {
			method: "POST",
			json: body,
			auth,
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return idOf(r);
	};
	const refused = expectRefused;

	beforeAll(async () => {
		s = await startTestServer(engine);
		call = api(s);
		for (const name of [
			"owner",
			"maintainer",
			"developer",
			"guest",
			"limited",
			"outsider",
		])
			users[name] = await addUser(s, name);
		projectId = await addProject(s, "rules", {
			members: [
				[users.owner.id, 1],
				[users.maintainer.id, 4],
				[users.developer.id, 2],
				[users.guest.id, 3],
				[users.limited.id, 5],
			],
		});
	});
	afterAll(() => stopTestServer(s));

	it("creates, lists in priority order, updates, disables and deletes rules in Harbor's shape, and audits each change", async () => {
		const created = await call("/projects/rules/immutabletagrules", {
			method: "POST",
			json: rule("v*", "app", { priority: 5 }),
		});
		expect(created.status).toBe(201);
		expect(created.headers.get("location")).toMatch(
			/^\/api\/v2\.0\/projects\/rules\/immutabletagrules\/\d+$/,
		);
		const late = idOf(created);
		const early = await create(
			String(projectId),
			rule("release-**", "{api,web}", { priority: 1 }),
		);
		const { rules, total } = await rulesOf("rules");
		expect(total).toBe("2");
		expect(rules.map((r) => r.id)).toEqual([early, late]);
		expect(rules[1]).toEqual({
			id: late,
			project_id: projectId,
			priority: 5,
			disabled: false,
			action: "immutable",
			template: "immutable_template",
			tag_selectors: [
				{ kind: "doublestar", decoration: "matches", pattern: "v*" },
			],
			scope_selectors: {
				repository: [
					{ kind: "doublestar", decoration: "repoMatches", pattern: "app" },
				],
			},
		});

		const path = `/projects/rules/immutabletagrules/${late}`;
		expect(
			(
				await call(path, {
					method: "PUT",
					json: { ...rule("v1.*", "app"), id: late, priority: 0 },
				})
			).status,
		).toBe(200);
		expect(
			(await rulesOf("rules")).rules.map((r) => [
				r.id,
				r.tag_selectors[0].pattern,
			]),
		).toEqual([
			[late, "v1.*"],
			[early, "release-**"],
		]);
		// Harbor's portal disables with the whole rule and `disabled: true`.
		expect(
			(
				await call(path, {
					method: "PUT",
					json: { ...rule("v1.*", "app"), id: late, disabled: true },
				})
			).status,
		).toBe(200);
		expect(
			(await rulesOf("rules")).rules.find((r) => r.id === late)?.disabled,
		).toBe(true);

		expect((await call(path, { method: "DELETE" })).status).toBe(200);
		expect((await call(path, { method: "DELETE" })).status).toBe(404);
		expect(
			(
				await call(`/projects/rules/immutabletagrules/${early}`, {
					method: "DELETE",
				})
			).status,
		).toBe(200);
		expect((await rulesOf("rules")).total).toBe("0");

		const logged = await eventually(
			async () => {
				const r = (await (
					await call(
						`/projects/rules/logs?q=${encodeURIComponent("resource_type=immutable_tag_rule")}&page_size=100`,
					)
				).json()) as { operation: string; resource: string }[];
				return r.length >= 6 && r;
			},
			10_000,
			"the rule changes in the audit log",
		);
		expect(logged.map((l) => l.operation).sort()).toEqual([
			"create",
			"create",
			"delete",
			"delete",
			"update",
			"update",
		]);
		expect(
			logged.some((l) =>
				l.resource.includes(
					`rule ${late}: repositories repoMatches app, tags matches v1.*`,
				),
			),
		).toBe(true);
	});

	it("refuses bad rules with a 400 that says what is wrong, a duplicate with 409, and a mismatched id", async () => {
		const post = (body: unknown) =>
			call("/projects/rules/immutabletagrules", { method: "POST", json: body });
		await refused(
			await post(rule("[abc")),
			400,
			/tag pattern "\[abc" is not a valid doublestar pattern/,
		);
		await refused(await post(rule("v*", "team/[x")), 400, /repository pattern/);
		await refused(await post(rule("")), 400, /pattern is required/);
		await refused(
			await post({
				...rule("v*"),
				tag_selectors: [
					{ kind: "regex", decoration: "matches", pattern: "v.*" },
				],
			}),
			400,
			/kind must be "doublestar"/,
		);
		await refused(
			await post({
				...rule("v*"),
				tag_selectors: [
					{ kind: "doublestar", decoration: "repoMatches", pattern: "v*" },
				],
			}),
			400,
			/decoration must be "matches" or "excludes"/,
		);
		await refused(
			await post({
				...rule("v*"),
				scope_selectors: {
					repository: [
						{ kind: "doublestar", decoration: "matches", pattern: "**" },
					],
				},
			}),
			400,
			/decoration must be "repoMatches" or "repoExcludes"/,
		);
		await refused(
			await post({ ...rule("v*"), tag_selectors: [] }),
			400,
			/exactly one selector/,
		);
		await refused(
			await post({ ...rule("v*"), scope_selectors: {} }),
			400,
			/scope_selectors\.repository/,
		);
		await refused(
			await post({
				...rule("v*"),
				scope_selectors: {
					repository: rule("v*").scope_selectors.repository,
					namespace: [],
				},
			}),
			400,
			/namespace/,
		);
		await refused(
			await post({ ...rule("v*"), action: "retain" }),
			400,
			/action must be "immutable"/,
		);
		await refused(
			await post({ ...rule("v*"), template: "latestPushedK" }),
			400,
			/template must be "immutable_template"/,
		);

		const id = await create("rules", rule("stable"));
		// The same selectors again, even with another priority: Harbor's unique rule.
		await refused(
			await post(rule("stable", "**", { priority: 3 })),
			409,
			/already exists/,
		);
		const other = await create("rules", rule("nightly"));
		await refused(
			await call(`/projects/rules/immutabletagrules/${other}`, {
				method: "PUT",
				json: { ...rule("stable"), id: other },
			}),
			409,
			/already exists/,
		);
		await refused(
			await call(`/projects/rules/immutabletagrules/${other}`, {
				method: "PUT",
				json: { ...rule("x"), id },
			}),
			400,
			/does not match/,
		);
		expect(
			(
				await call("/projects/rules/immutabletagrules/999999", {
					method: "PUT",
					json: rule("x"),
				})
			).status,
		).toBe(404);
		expect(
			(
				await call("/projects/rules/immutabletagrules/abc", {
					method: "DELETE",
				})
			).status,
		).toBe(400);
		// A rule of another project is not found through this one.
		await addProject(s, "rules-other");
		expect(
			(
				await call(`/projects/rules-other/immutabletagrules/${id}`, {
					method: "DELETE",
				})
			).status,
		).toBe(404);
		for (const r of [id, other])
			expect(
				(
					await call(`/projects/rules/immutabletagrules/${r}`, {
						method: "DELETE",
					})
				).status,
			).toBe(200);
	});

	it("takes harbor-cli's body (no kind, action or template) as a doublestar rule", async () => {
		const id = await create("rules", {
			tag_selectors: [{ decoration: "matches", pattern: "cli-*" }],
			scope_selectors: {
				repository: [{ decoration: "repoMatches", pattern: "**" }],
			},
		});
		expect(
			(await rulesOf("rules")).rules.find((r) => r.id === id),
		).toMatchObject({
			action: "immutable",
			template: "immutable_template",
			disabled: false,
			tag_selectors: [
				{ kind: "doublestar", decoration: "matches", pattern: "cli-*" },
			],
		});
		expect(
			(
				await call(`/projects/rules/immutabletagrules/${id}`, {
					method: "DELETE",
				})
			).status,
		).toBe(200);
	});

	it("holds at most 15 rules per project: the 16th is a 400 until one is deleted", async () => {
		await addProject(s, "fifteen");
		const ids: number[] = [];
		for (let i = 0; i < 15; i++)
			ids.push(await create("fifteen", rule(`t${i}-*`)));
		await refused(
			await call("/projects/fifteen/immutabletagrules", {
				method: "POST",
				json: rule("t15-*"),
			}),
			400,
			/at most 15 immutable tag rules/,
		);
		expect((await rulesOf("fifteen")).total).toBe("15");
		expect(
			(
				await call(`/projects/fifteen/immutabletagrules/${ids[0]}`, {
					method: "DELETE",
				})
			).status,
		).toBe(200);
		await create("fifteen", rule("t15-*"));
		// Rules go with their project.
		expect((await call("/projects/fifteen", { method: "DELETE" })).status).toBe(
			200,
		);
		expect(
			await s.db
				.selectFrom("immutable_tag_rules")
				.select("id")
				.where("id", "in", ids)
				.execute(),
		).toEqual([]);
	});

	it("lets project admins and maintainers manage rules; developers and guests are refused, outsiders see no project", async () => {
		const path = "/projects/rules/immutabletagrules";
		const allowed = {
			owner: 201,
			maintainer: 201,
			developer: 403,
			guest: 403,
			limited: 403,
			outsider: 404,
		} as const;
		for (const [who, status] of Object.entries(allowed)) {
			const auth = users[who].auth;
			const made = await call(path, {
				method: "POST",
				json: rule(`by-${who}`),
				auth,
			});
			expect(made.status, `${who} creates`).toBe(status);
			expect((await call(path, { auth })).status, `${who} lists`).toBe(
				status === 201 ? 200 : status,
			);
			const id =
				status === 201 ? idOf(made) : await create("rules", rule(`for-${who}`));
			const put = await call(`${path}/${id}`, {
				method: "PUT",
				json: { ...rule(`moved-${who}`), id },
				auth,
			});
			expect(put.status, `${who} updates`).toBe(status === 201 ? 200 : status);
			const del = await call(`${path}/${id}`, { method: "DELETE", auth });
			expect(del.status, `${who} deletes`).toBe(status === 201 ? 200 : status);
			if (status !== 201)
				expect((await call(`${path}/${id}`, { method: "DELETE" })).status).toBe(
					200,
				);
		}
		expect((await call(path, { auth: null })).status).toBe(401);
		expect(
			(await call(path, { method: "POST", json: rule("anon"), auth: null }))
				.status,
		).toBe(401);
	});
});
