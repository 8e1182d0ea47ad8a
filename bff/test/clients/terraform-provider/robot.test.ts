import { beforeAll, describe, expect, it } from "vitest";
import { basic, engines } from "../../harness.ts";
import { omitEmpty, providerServer } from "./go-client.ts";

type Access = { action: string; resource: string };
type Permission = { kind: string; namespace: string; access: Access[] };
/** A `harbor_robot_account` resource's arguments (provider/resource_robot_account.go), with the provider's defaults. */
type RobotConfig = {
	name: string;
	level: string;
	description: string;
	disable: boolean;
	duration: number;
	secret: string;
	permissions: Permission[];
};

/** client.RobotBody with models.RobotBody's JSON tags (every field omitempty). */
const robotBody = (c: RobotConfig, name = c.name) =>
	omitEmpty({
		name,
		level: c.level,
		description: c.description,
		duration: c.duration,
		disable: c.disable,
		permissions: c.permissions.map((p) =>
			omitEmpty({
				access: p.access.map((a) =>
					omitEmpty({ action: a.action, resource: a.resource }),
				),
				kind: p.kind,
				namespace: p.namespace,
			}),
		),
	});

type RobotJson = {
	id: number;
	name: string;
	level: string;
	description: string;
	duration: number;
	disable: boolean;
	permissions: Permission[];
};

describe.each(engines)(
	"Terraform provider: harbor_robot_account against %s",
	(engine) => {
		const ctx = providerServer(engine);
		beforeAll(async () => {
			expect(
				(
					await ctx.tf.send("POST", "/projects", {
						project_name: "tf-robots",
						metadata: { public: "false" },
					})
				).status,
			).toBe(201);
		});

		/** resourceRobotAccountRead: the short name from the full one, and the fields the state keeps. */
		async function read(id: string) {
			const r = await ctx.tf.send("GET", id);
			expect(r.status, r.text).toBe(200);
			const robot = r.json as RobotJson;
			let name: string;
			if (robot.level === "project") {
				name = robot.name.split(`${robot.permissions[0].namespace}+`)[1];
			} else {
				// No robot_prefix in the provider's configuration: it reads the system's.
				const settings = (await ctx.tf.send("GET", "/configurations")).json as {
					robot_name_prefix: { value: string };
				};
				name = robot.name.startsWith(settings.robot_name_prefix.value)
					? robot.name.slice(settings.robot_name_prefix.value.length)
					: robot.name;
			}
			const permissions = robot.permissions.map((p) => ({
				kind: p.kind,
				namespace: p.namespace,
				access: p.access.map((a) => ({
					action: a.action,
					resource: a.resource,
				})),
			}));
			return {
				full: robot.name,
				name,
				level: robot.level,
				description: robot.description,
				duration: robot.duration,
				disable: robot.disable,
				permissions,
			};
		}
		const stateOf = ({ secret: _s, ...c }: RobotConfig) => c;
		/** `docker login` as the robot: a registry token for a pull. */
		const signIn = (name: string, secret: string) =>
			fetch(
				`${ctx.s.url}/service/token?service=harbor-registry&scope=repository:tf-robots/app:pull`,
				{ headers: { Authorization: basic(name, secret) } },
			);

		/** data "harbor_robot_accounts": pages of `/robots?page=N`, with `&q=Level=…,ProjectID=…` written as is, until one is empty. */
		async function dataSource(q?: string) {
			const names: string[] = [];
			for (let page = 1; ; page++) {
				const r = await ctx.tf.send(
					"GET",
					`/robots?page=${page}${q ? `&q=${q}` : ""}`,
				);
				expect(r.status, r.text).toBe(200);
				const robots = r.json as RobotJson[];
				if (robots.length === 0) return names;
				names.push(...robots.map((x) => x.name));
			}
		}

		it("creates a project robot, reads it with no diff, updates it through omitempty bodies, sets its secret and deletes it", async () => {
			const config: RobotConfig = {
				name: "ci",
				level: "project",
				description: "",
				disable: false,
				duration: -1,
				secret: "",
				permissions: [
					{
						kind: "project",
						namespace: "tf-robots",
						access: [
							{ action: "pull", resource: "repository" },
							{ action: "push", resource: "repository" },
						],
					},
				],
			};
			const created = await ctx.tf.send("POST", "/robots", robotBody(config));
			expect(created.status, created.text).toBe(201);
			const id = ctx.tf.idOf(created.location);
			expect(id).toBe(`/robots/${(created.json as { id: number }).id}`);
			const secret = (created.json as { secret: string }).secret;
			const { full, ...state } = await read(id);
			expect(full).toBe("robot$tf-robots+ci");
			expect(state).toEqual(stateOf(config));

			// An update keeps the full name from the API (the name did not change) and sends the whole robot.
			const disabled: RobotConfig = {
				...config,
				disable: true,
				description: "paused by terraform",
			};
			const put = await ctx.tf.send("PUT", id, robotBody(disabled, full));
			expect(put.status, put.text).toBe(200);
			expect((await read(id)).disable).toBe(true);
			expect((await signIn(full, secret)).status).toBe(401);

			// Back to the defaults: `disable` and `description` are left out of the body, which means false and empty.
			const body = robotBody(config, full);
			expect(body).not.toHaveProperty("disable");
			expect(body).not.toHaveProperty("description");
			expect((await ctx.tf.send("PUT", id, body)).status).toBe(200);
			const { full: _f, ...back } = await read(id);
			expect(back).toEqual(stateOf(config));

			// A secret in the configuration is set with PATCH, and the robot signs in with it.
			expect(
				(await ctx.tf.send("PATCH", id, { secret: "Terraform1234" })).status,
			).toBe(200);
			expect((await signIn(full, secret)).status).toBe(401);
			expect((await signIn(full, "Terraform1234")).status).toBe(200);

			const projectId = (
				(await ctx.tf.send("GET", "/projects/tf-robots")).json as {
					project_id: number;
				}
			).project_id;
			expect(await dataSource(`Level=project,ProjectID=${projectId}`)).toEqual([
				"robot$tf-robots+ci",
			]);
			expect(await dataSource()).toEqual([]);

			expect((await ctx.tf.send("DELETE", id)).status).toBe(200);
			expect((await ctx.tf.send("GET", id)).status).toBe(404);
		});

		it("creates a system robot whose short name comes from the system robot_name_prefix, and finds it in the system list", async () => {
			const config: RobotConfig = {
				name: "ops",
				level: "system",
				description: "ops robot",
				disable: false,
				duration: 30,
				secret: "",
				permissions: [
					{
						kind: "system",
						namespace: "/",
						access: [{ action: "list", resource: "audit-log" }],
					},
					{
						kind: "project",
						namespace: "*",
						access: [{ action: "pull", resource: "repository" }],
					},
				],
			};
			const created = await ctx.tf.send("POST", "/robots", robotBody(config));
			expect(created.status, created.text).toBe(201);
			const id = ctx.tf.idOf(created.location);
			const { full, ...state } = await read(id);
			expect(full).toBe("robot$ops");
			expect(state).toEqual(stateOf(config));
			// data "harbor_robot_accounts" without level or project: the system robots only.
			expect(await dataSource()).toEqual(["robot$ops"]);
			expect(await dataSource("Level=system")).toEqual(["robot$ops"]);
			expect((await ctx.tf.send("DELETE", id)).status).toBe(200);
		});
	},
);
