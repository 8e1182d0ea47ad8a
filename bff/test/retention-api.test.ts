import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dropRedisPrefixes, testRedisUrl } from "../jobs/job-test-fixtures.ts";
import { expectRefused } from "./api-assertions.ts";
import { addProject, addUser, api } from "./api-fixtures.ts";
import {
	type Engine,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import { type Pushed, pushImage } from "./oci-fixtures.ts";
import { adminClient, eventually, type Json } from "./replication-fixtures.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";

/** A rule as Harbor's portal sends it. */
const rule = (
	template: string,
	n: number | null,
	opts: { tags?: string; repos?: string; untagged?: boolean } = {},
) => ({
	disabled: false,
	action: "retain",
	template,
	params: n === null ? {} : { [template]: n },
	tag_selectors: [
		{
			kind: "doublestar",
			decoration: "matches",
			pattern: opts.tags ?? "**",
			extras: JSON.stringify({ untagged: !!opts.untagged }),
		},
	],
	scope_selectors: {
		repository: [
			{
				kind: "doublestar",
				decoration: "repoMatches",
				pattern: opts.repos ?? "**",
			},
		],
	},
});
const policy = (projectId: number, rules: unknown[], cron = "") => ({
	algorithm: "or",
	rules,
	trigger: { kind: "Schedule", settings: { cron }, references: {} },
	scope: { level: "project", ref: projectId },
});

type Execution = {
	id: number;
	policy_id: number;
	status: string;
	trigger: string;
	dry_run: boolean;
	start_time: string;
	end_time: string;
};
type Task = {
	id: number;
	execution_id: number;
	repository: string;
	status: string;
	total: number;
	retained: number;
};
type LogRow = { digest: string; tags: string[]; action: string; why: string };

/** Both metadata engines with the jobs in the database, and Postgres with the jobs on BullMQ (REDIS_URL). */
const setups: [string, Engine, boolean][] = [
	["sqlite", "sqlite", false],
	["postgres", "postgres", false],
	["postgres with BullMQ", "postgres", true],
];

describe.each(setups)("tag retention on %s", (_name, engine, onRedis) => {
	const prefix = `wharf-test-retention-${randomBytes(4).toString("hex")}`;
	let s: TestServer;
	let call: ReturnType<typeof api>;
	const users: Record<string, { id: number; auth: string }> = {};
	let receiver: Receiver;

	const idOf = (r: Response) =>
		Number(r.headers.get("location")!.split("/").pop());
	const create = async (body: unknown, auth?: string) => {
		const r = await call("/retentions", { method: "POST", json: body, auth });
		expect(r.status, await r.clone().text()).toBe(201);
		return idOf(r);
	};
	const refused = expectRefused;
	const run = async (policyId: number, dryRun: boolean) => {
		const r = await call(`/retentions/${policyId}/executions`, {
			method: "POST",
			json: { dry_run: dryRun },
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return idOf(r);
	};
	const ended = (policyId: number, eid: number) =>
		eventually(
			async () => {
				const list = (await (
					await call(`/retentions/${policyId}/executions`)
				).json()) as Execution[];
				const e = list.find((x) => x.id === eid);
				return e && !["Pending", "Running"].includes(e.status) ? e : undefined;
			},
			60_000,
			`retention execution ${eid} ended`,
		);
	const tasksOf = async (policyId: number, eid: number) =>
		(await (
			await call(`/retentions/${policyId}/executions/${eid}/tasks`)
		).json()) as Task[];
	const tagsIn = async (project: string, repo: string) => {
		const r = await call(
			`/projects/${project}/repositories/${repo}/artifacts?page_size=100`,
		);
		if (r.status === 404) return [];
		const list = (await r.json()) as { tags: { name: string }[] | null }[];
		return list
			.map(
				(a) =>
					(a.tags ?? [])
						.map((t) => t.name)
						.sort()
						.join(",") || "<untagged>",
			)
			.sort();
	};
	/** Pushes `tags` (one artifact each, oldest first) and dates their pushes `days` apart, the last one today. */
	const pushAged = async (
		repo: string,
		tags: (string | undefined)[],
		days = 1,
	): Promise<Pushed[]> => {
		const c = adminClient(s);
		const pushed: Pushed[] = [];
		for (const t of tags)
			pushed.push(await pushImage(c, repo, t, { layerBytes: 256 }));
		for (const [i, p] of pushed.entries()) {
			const at = new Date(
				Date.now() - (tags.length - 1 - i) * days * 24 * 3600_000,
			).toISOString();
			await s.db
				.updateTable("artifacts")
				.set({ push_time: at })
				.where("digest", "=", p.digest)
				.execute();
		}
		return pushed;
	};

	beforeAll(async () => {
		s = await startTestServer(
			engine,
			onRedis ? { REDIS_URL: testRedisUrl, WHARF_REDIS_PREFIX: prefix } : {},
		);
		call = api(s);
		receiver = await startReceiver();
		for (const name of [
			"owner",
			"maintainer",
			"developer",
			"guest",
			"outsider",
		])
			users[name] = await addUser(s, name);
		await addProject(s, "keep", {
			members: [
				[users.owner.id, 1],
				[users.maintainer.id, 4],
				[users.developer.id, 2],
			],
		});
	});
	afterAll(async () => {
		await stopTestServer(s);
		await receiver.close();
		if (onRedis) await dropRedisPrefixes([prefix]);
	});

	it("answers Harbor's templates and selectors, with regex beside doublestar", async () => {
		const m = (await (await call("/retentions/metadatas")).json()) as {
			templates: Json[];
			tag_selectors: Json[];
			scope_selectors: Json[];
		};
		expect(m.templates.map((t) => t.rule_template)).toEqual([
			"latestPushedK",
			"latestPulledN",
			"nDaysSinceLastPush",
			"nDaysSinceLastPull",
			"always",
		]);
		expect(m.templates[0]).toEqual({
			rule_template: "latestPushedK",
			display_text: "retain the most recently pushed # artifacts",
			action: "retain",
			params: [{ type: "int", unit: "COUNT", required: true }],
		});
		expect(m.tag_selectors).toEqual([
			{
				display_text: "Tags",
				kind: "doublestar",
				decorations: ["matches", "excludes"],
			},
			{
				display_text: "Tags",
				kind: "regex",
				decorations: ["matches", "excludes"],
			},
		]);
		expect(m.scope_selectors[0]).toEqual({
			display_text: "Repositories",
			kind: "doublestar",
			decorations: ["repoMatches", "repoExcludes"],
		});
		expect((await call("/retentions/metadatas", { auth: null })).status).toBe(
			401,
		);
	});

	it("keeps one policy a project, linked from its retention_id; who may see, change and run it", async () => {
		const projectId = await addProject(s, "owned", {
			members: [
				[users.owner.id, 1],
				[users.maintainer.id, 4],
				[users.developer.id, 2],
				[users.guest.id, 3],
			],
		});
		// Retention deletes artifacts: a developer, who may not delete them, may not make it either (Harbor lets them).
		await refused(
			await call("/retentions", {
				method: "POST",
				json: policy(projectId, [rule("latestPushedK", 3)]),
				auth: users.developer.auth,
			}),
			403,
			/retention deletes artifacts/,
		);
		await refused(
			await call("/retentions", {
				method: "POST",
				json: policy(projectId, [rule("latestPushedK", 3)]),
				auth: users.guest.auth,
			}),
			403,
			/not allowed/,
		);
		await refused(
			await call("/retentions", {
				method: "POST",
				json: policy(projectId, [rule("latestPushedK", 3)]),
				auth: users.outsider.auth,
			}),
			404,
			/not found/,
		);
		const id = await create(
			policy(projectId, [rule("latestPushedK", 3)]),
			users.maintainer.auth,
		);
		const meta = (await (await call("/projects/owned")).json()) as {
			metadata: Record<string, string>;
		};
		expect(meta.metadata.retention_id).toBe(String(id));
		await refused(
			await call("/retentions", {
				method: "POST",
				json: policy(projectId, [rule("always", null)]),
			}),
			409,
			/already has a retention policy/,
		);

		expect(await (await call(`/retentions/${id}`)).json()).toEqual({
			id,
			algorithm: "or",
			rules: [
				{
					id: 1,
					priority: 0,
					disabled: false,
					action: "retain",
					template: "latestPushedK",
					params: { latestPushedK: 3 },
					tag_selectors: [
						{
							kind: "doublestar",
							decoration: "matches",
							pattern: "**",
							extras: '{"untagged":false}',
						},
					],
					scope_selectors: {
						repository: [
							{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
						],
					},
				},
			],
			trigger: { kind: "Schedule", settings: { cron: "" }, references: {} },
			scope: { level: "project", ref: projectId },
		});
		// A project's read-modify-write PUT sends retention_id back: accepted and kept.
		expect(
			(
				await call("/projects/owned", {
					method: "PUT",
					json: { metadata: { retention_id: String(id), public: "false" } },
				})
			).status,
		).toBe(200);
		expect(
			(
				(await (await call("/projects/owned")).json()) as {
					metadata: Record<string, string>;
				}
			).metadata.retention_id,
		).toBe(String(id));

		// Who may do what: a developer reads it and tries it in a dry run, but neither changes it nor runs it for real; a
		// guest sees nothing of it; an outsider is told it does not exist.
		expect(
			(await call(`/retentions/${id}`, { auth: users.developer.auth })).status,
		).toBe(200);
		expect(
			(
				await call(`/retentions/${id}/executions`, {
					method: "POST",
					json: { dry_run: true },
					auth: users.developer.auth,
				})
			).status,
		).toBe(201);
		for (const body of [{}, { dry_run: false }]) {
			await refused(
				await call(`/retentions/${id}/executions`, {
					method: "POST",
					json: body,
					auth: users.developer.auth,
				}),
				403,
				/retention deletes artifacts/,
			);
		}
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: policy(projectId, [rule("always", null)]),
				auth: users.developer.auth,
			}),
			403,
			/retention deletes artifacts/,
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "DELETE",
				auth: users.developer.auth,
			}),
			403,
			/retention deletes artifacts/,
		);
		await refused(
			await call(`/retentions/${id}`, { auth: users.guest.auth }),
			403,
			/not allowed/,
		);
		await refused(
			await call(`/retentions/${id}/executions`, { auth: users.guest.auth }),
			403,
			/not allowed/,
		);
		await refused(
			await call(`/retentions/${id}`, { auth: users.outsider.auth }),
			404,
			new RegExp(`retention policy ${id} not found`),
		);
		await refused(await call(`/retentions/${id}`, { auth: null }), 401, /./);
		// The developer's dry run ends before the policy changes below.
		await eventually(async () =>
			(
				(await (
					await call(`/retentions/${id}/executions`)
				).json()) as Execution[]
			).every((e) => e.status === "Succeed"),
		);
		await refused(await call(`/retentions/${id + 1000}`), 404, /not found/);

		// Schedules are rows of the job system; a cron Harbor would refuse is 400.
		const daily = policy(projectId, [rule("latestPushedK", 5)], "0 0 0 * * *");
		expect(
			(
				await call(`/retentions/${id}`, {
					method: "PUT",
					json: daily,
					auth: users.owner.auth,
				})
			).status,
		).toBe(200);
		const got = (await (await call(`/retentions/${id}`)).json()) as {
			rules: { params: Json }[];
			trigger: { settings: { cron: string }; next_scheduled_time: string };
		};
		expect(got.rules[0].params).toEqual({ latestPushedK: 5 });
		expect(got.trigger.settings.cron).toBe("0 0 0 * * *");
		expect(Date.parse(got.trigger.next_scheduled_time)).toBeGreaterThan(
			Date.now(),
		);
		const schedules = (await (await call("/schedules")).json()) as {
			vendor_type: string;
			vendor_id: number;
		}[];
		expect(schedules).toContainEqual(
			expect.objectContaining({ vendor_type: "RETENTION", vendor_id: id }),
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: policy(projectId, [rule("always", null)], "nightly"),
			}),
			400,
			/invalid cron "nightly"/,
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: policy(projectId + 1, [rule("always", null)]),
			}),
			400,
			/stays with its project/,
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: policy(projectId, [rule("latestPushedK", null)]),
			}),
			400,
			/params.latestPushedK is required/,
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: policy(
					projectId,
					Array.from({ length: 16 }, () => rule("always", null)),
				),
			}),
			400,
			/at most 15 rules/,
		);
		await refused(
			await call(`/retentions/${id}`, {
				method: "PUT",
				json: { ...policy(projectId, []), algorithm: "and" },
			}),
			400,
			/algorithm must be "or"/,
		);

		expect(
			(
				await call(`/retentions/${id}`, {
					method: "DELETE",
					auth: users.owner.auth,
				})
			).status,
		).toBe(200);
		expect((await call(`/retentions/${id}`)).status).toBe(404);
		expect(
			(
				(await (await call("/projects/owned")).json()) as {
					metadata: Record<string, string>;
				}
			).metadata.retention_id,
		).toBeUndefined();
		expect(
			(
				(await (await call("/schedules")).json()) as { vendor_type: string }[]
			).some((r) => r.vendor_type === "RETENTION"),
		).toBe(false);
	});

	it('"keep the last 3": a dry run shows the table of what would go and why and deletes nothing; the run deletes it', async () => {
		const hook = await call("/projects/keep/webhook/policies", {
			method: "POST",
			json: {
				name: "retention",
				enabled: true,
				event_types: ["TAG_RETENTION"],
				targets: [
					{
						type: "http",
						address: `${receiver.url}/retention`,
						payload_format: "Default",
					},
				],
			},
		});
		expect(hook.status, await hook.clone().text()).toBe(201);
		const pushed = await pushAged("keep/app", ["v1", "v2", "v3", "v4", "v5"]);
		await pushAged("keep/other", ["only"]);
		const projectId = Number(
			((await (await call("/projects/keep")).json()) as { project_id: number })
				.project_id,
		);
		const id = await create(
			policy(projectId, [rule("latestPushedK", 3, { repos: "app" })]),
		);

		const dry = await run(id, true);
		const e = await ended(id, dry);
		expect(e).toMatchObject({
			id: dry,
			policy_id: id,
			status: "Succeed",
			trigger: "MANUAL",
			dry_run: true,
		});
		const [task, ...more] = await tasksOf(id, dry);
		expect(more).toEqual([]); // keep/other is out of the rule's scope
		expect(task).toMatchObject({
			repository: "keep/app",
			status: "Succeed",
			total: 5,
			retained: 3,
		});
		const rows = (await (
			await call(`/retentions/${id}/executions/${dry}/tasks/${task.id}`, {
				headers: { Accept: "application/json" },
			})
		).json()) as LogRow[];
		expect(rows.map((r) => [r.tags.join(), r.action, r.why]).sort()).toEqual([
			["v1", "DEL", "retained by no rule"],
			["v2", "DEL", "retained by no rule"],
			["v3", "RETAIN", "retained by rule 1 (latestPushedK 3)"],
			["v4", "RETAIN", "retained by rule 1 (latestPushedK 3)"],
			["v5", "RETAIN", "retained by rule 1 (latestPushedK 3)"],
		]);
		const text = await (
			await call(`/retentions/${id}/executions/${dry}/tasks/${task.id}`)
		).text();
		expect(text).toMatch(
			/\| Digest +\| Tag +\| Kind +\| PushedTime +\| PulledTime +\| Retention \| Why +\|/,
		);
		expect(text).toContain(`| ${pushed[0].digest} | v1 `);
		expect(await tagsIn("keep", "app")).toEqual(["v1", "v2", "v3", "v4", "v5"]);

		const real = await run(id, false);
		expect(await ended(id, real)).toMatchObject({
			status: "Succeed",
			dry_run: false,
		});
		expect(await tagsIn("keep", "app")).toEqual(["v3", "v4", "v5"]);
		expect(await tagsIn("keep", "other")).toEqual(["only"]);
		// Pulls of the deleted are unknown now; the kept pull whole.
		expect(
			(
				await fetch(`${s.url}/v2/keep/app/manifests/v1`, {
					headers: {
						Authorization: `Basic ${Buffer.from("admin:Harbor12345").toString("base64")}`,
					},
				})
			).status,
		).toBe(404);

		const delivered = await eventually(
			async () => receiver.to("/retention")[0],
			30_000,
			"TAG_RETENTION delivered",
		);
		const body = JSON.parse(delivered.body) as {
			type: string;
			operator: string;
			event_data: { retention: Json };
		};
		expect(body.type).toBe("TAG_RETENTION");
		expect(body.operator).toBe("MANUAL");
		expect(body.event_data.retention).toMatchObject({
			total: 5,
			retained: 3,
			project_name: "keep",
			retention_policy_id: id,
			result: "SUCCESS",
			deleted_artifact: expect.arrayContaining([
				{ type: "image", status: "SUCCESS", name_tag: "keep/app:v1" },
				{ type: "image", status: "SUCCESS", name_tag: "keep/app:v2" },
			]),
		});
		expect(receiver.to("/retention")).toHaveLength(1); // the dry run told no one

		const deletions = await eventually(
			async () => {
				const audit = (await (
					await call("/audit-logs?q=operation%3Ddelete&page_size=100")
				).json()) as { resource: string; username: string }[];
				const mine = audit
					.filter((a) => a.username === "retention")
					.map((a) => a.resource)
					.sort();
				return mine.length ? mine : undefined;
			},
			10_000,
			"deletions audited",
		);
		expect(deletions).toEqual(
			[`keep/app@${pushed[0].digest}`, `keep/app@${pushed[1].digest}`].sort(),
		);
	});

	it('"delete untagged after 30 days": tagged artifacts stay, untagged ones go once 30 days old; immutable tags are kept', async () => {
		const projectId = await addProject(s, "untagged");
		await pushAged(
			"untagged/svc",
			["old-release", undefined, "pinned", undefined, "new"],
			20,
		); // 80, 60, 40, 20, 0 days old
		const immutable = await call("/projects/untagged/immutabletagrules", {
			method: "POST",
			json: {
				action: "immutable",
				template: "immutable_template",
				tag_selectors: [
					{ kind: "doublestar", decoration: "matches", pattern: "pinned" },
				],
				scope_selectors: {
					repository: [
						{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
					],
				},
			},
		});
		expect(immutable.status).toBe(201);
		// `pinned` is only retained by its immutability: the rules keep 'new' and young untagged ones.
		const id = await create(
			policy(projectId, [
				rule("nDaysSinceLastPush", 30, { untagged: true }),
				rule("latestPushedK", 2, { tags: "{old-release,new}" }),
			]),
		);
		const e = await run(id, false);
		expect(await ended(id, e)).toMatchObject({ status: "Succeed" });
		expect(await tagsIn("untagged", "svc")).toEqual([
			"<untagged>",
			"new",
			"old-release",
			"pinned",
		]);
		const [task] = await tasksOf(id, e);
		const rows = (await (
			await call(`/retentions/${id}/executions/${e}/tasks/${task.id}`, {
				headers: { Accept: "application/json" },
			})
		).json()) as LogRow[];
		expect(
			rows
				.filter((r) => r.tags.length === 0)
				.map((r) => `${r.action}: ${r.why}`),
		).toEqual([
			"DEL: retained by no rule",
			"RETAIN: retained by rule 1 (nDaysSinceLastPush 30)",
		]);
		expect(rows.find((r) => r.tags[0] === "pinned")).toMatchObject({
			action: "RETAIN",
			why: "immutable tag pinned",
		});
	});

	it("a schedule runs the policy by itself: a SCHEDULE execution that deletes for real", async () => {
		const projectId = await addProject(s, "scheduled");
		await pushAged("scheduled/app", ["a", "b"]);
		const id = await create(
			policy(projectId, [rule("latestPushedK", 1)], "* * * * * *"),
		);
		const e = await eventually(
			async () =>
				(
					(await (
						await call(`/retentions/${id}/executions`)
					).json()) as Execution[]
				).find((x) => x.status === "Succeed"),
			30_000,
			"a scheduled execution",
		);
		expect(e).toMatchObject({ trigger: "SCHEDULE", dry_run: false });
		expect(
			(
				await call(`/retentions/${id}`, {
					method: "PUT",
					json: policy(projectId, [rule("latestPushedK", 1)]),
				})
			).status,
		).toBe(200);
		expect(await tagsIn("scheduled", "app")).toEqual(["b"]);
	});

	it("an execution stopped while queued ends Stopped and runs no task; one a policy at a time", async () => {
		const projectId = await addProject(s, "stopper");
		await pushAged("stopper/a", ["x"]);
		const id = await create(policy(projectId, [rule("always", null)]));
		expect(
			(
				await call("/jobservice/queues/RETENTION", {
					method: "PUT",
					json: { action: "pause" },
				})
			).status,
		).toBe(200);
		try {
			const e = await run(id, false);
			await refused(
				await call(`/retentions/${id}/executions`, {
					method: "POST",
					json: {},
				}),
				409,
				/already running/,
			);
			await refused(
				await call(`/retentions/${id}`, { method: "DELETE" }),
				412,
				/running/,
			);
			expect(
				(
					await call(`/retentions/${id}/executions/${e}`, {
						method: "PATCH",
						json: { action: "stop" },
					})
				).status,
			).toBe(200);
			expect(await ended(id, e)).toMatchObject({ status: "Stopped" });
			expect(await tasksOf(id, e)).toEqual([]);
			await refused(
				await call(`/retentions/${id}/executions/${e}`, {
					method: "PATCH",
					json: { action: "start" },
				}),
				400,
				/action must be "stop"/,
			);
		} finally {
			expect(
				(
					await call("/jobservice/queues/RETENTION", {
						method: "PUT",
						json: { action: "resume" },
					})
				).status,
			).toBe(200);
		}
		expect(await tagsIn("stopper", "a")).toEqual(["x"]);
	});
});
