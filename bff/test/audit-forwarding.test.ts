import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api as apiOf } from "./api-fixtures.ts";
import {
	engines,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "./harness.ts";
import {
	deadPort,
	startStuckServer,
	startSyslogServer,
} from "./syslog-server.ts";

describe.each(engines)("audit log forwarding to syslog on %s", (engine) => {
	let s: TestServer;
	let api: ReturnType<typeof apiOf>;
	let syslog: Awaited<ReturnType<typeof startSyslogServer>>;

	beforeAll(async () => {
		s = await startTestServer(engine);
		api = apiOf(s);
		syslog = await startSyslogServer();
	});
	afterAll(async () => {
		await api("/configurations", {
			method: "PUT",
			json: { skip_audit_log_database: false, audit_log_forward_endpoint: "" },
		});
		await stopTestServer(s);
		await syslog.close();
	});

	const configure = async (body: Record<string, unknown>) => {
		const r = await api("/configurations", { method: "PUT", json: body });
		expect(r.status, await r.clone().text()).toBe(200);
	};
	const createProject = async (name: string) => {
		const r = await api("/projects", {
			method: "POST",
			json: { project_name: name, metadata: { public: "false" } },
		});
		expect(r.status, await r.clone().text()).toBe(201);
	};
	const deleteProject = async (name: string) =>
		expect((await api(`/projects/${name}`, { method: "DELETE" })).status).toBe(
			200,
		);
	const inDatabase = async (resource: string) =>
		(
			await s.db
				.selectFrom("audit_logs")
				.select("operation")
				.where("resource", "=", resource)
				.execute()
		).map((r) => r.operation);
	const forwarded = (resource: string) =>
		syslog.lines.filter((l) => l.includes(`resource:${resource},`));

	it("forwards each audit event as an RFC 5424 message over TCP, and still writes it to the database", async () => {
		await configure({ audit_log_forward_endpoint: `127.0.0.1:${syslog.port}` });
		await createProject("fwd-one");
		await expect
			.poll(() => forwarded("fwd-one").length, { timeout: 10_000 })
			.toBe(1);
		expect(forwarded("fwd-one")[0]).toMatch(
			/^<14>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S+ audit \d+ create_project - \[operator="admin" resourceType="project" time="[^"]+"\]: action:create, resource:fwd-one, operation_description:create project fwd-one$/,
		);
		await expect.poll(() => inDatabase("fwd-one")).toEqual(["create"]);
		expect(
			(await (await api("/configurations")).json()).audit_log_forward_endpoint
				.value,
		).toBe(`127.0.0.1:${syslog.port}`);
	});

	it("leaves out the disabled event types there too", async () => {
		await createProject("fwd-quiet");
		await configure({ disabled_audit_log_event_types: "delete_project" });
		await deleteProject("fwd-quiet");
		await createProject("fwd-after");
		await expect
			.poll(() => forwarded("fwd-after").length, { timeout: 10_000 })
			.toBe(1);
		expect(
			forwarded("fwd-quiet").map((l) => /action:(\w+)/.exec(l)![1]),
		).toEqual(["create"]);
		expect(await inDatabase("fwd-quiet")).toEqual(["create"]);
		await configure({ disabled_audit_log_event_types: "" });
	});

	it("skip_audit_log_database sends events to syslog only; it needs an endpoint, and the endpoint must be host:port", async () => {
		for (const [body, message] of [
			[
				{ skip_audit_log_database: true, audit_log_forward_endpoint: "" },
				"skip_audit_log_database: audit_log_forward_endpoint must be set first",
			],
			[
				{ audit_log_forward_endpoint: "syslog.example.com" },
				"audit_log_forward_endpoint: must be host:port",
			],
		] as const) {
			const r = await api("/configurations", { method: "PUT", json: body });
			expect(r.status).toBe(400);
			expect((await r.json()).errors[0].message).toContain(message);
		}
		await configure({ skip_audit_log_database: true });
		expect(
			(await (await api("/configurations")).json()).skip_audit_log_database
				.value,
		).toBe(true);
		// With the database skipped, the endpoint cannot be emptied.
		expect(
			(
				await api("/configurations", {
					method: "PUT",
					json: { audit_log_forward_endpoint: "" },
				})
			).status,
		).toBe(400);
		await createProject("fwd-only");
		await expect
			.poll(() => forwarded("fwd-only").length, { timeout: 10_000 })
			.toBe(1);
		await configure({ skip_audit_log_database: false });
		await createProject("fwd-both");
		await expect.poll(() => inDatabase("fwd-both")).toEqual(["create"]);
		expect(await inDatabase("fwd-only")).toEqual([]);
	});

	it("a dead, unreachable or stuck endpoint fails no request and loses nothing from the database", async () => {
		const stuck = await startStuckServer();
		try {
			// Nothing listens; an address no route answers (connecting waits for the timeout); a peer that never reads.
			for (const [i, endpoint] of [
				`127.0.0.1:${await deadPort()}`,
				"10.255.255.1:514",
				`127.0.0.1:${stuck.port}`,
			].entries()) {
				await configure({ audit_log_forward_endpoint: endpoint });
				const names = Array.from(
					{ length: 30 },
					(_, n) => `fwd-dead-${i}-${n}`,
				);
				// Each request is answered while its event waits for the endpoint: were requests to wait on it, these would not end in the test's time.
				for (const name of names) await createProject(name);
				await expect
					.poll(
						async () =>
							Number(
								(
									await s.db
										.selectFrom("audit_logs")
										.select((eb) => eb.fn.countAll<number>().as("n"))
										.where("resource", "like", `fwd-dead-${i}-%`)
										.executeTakeFirstOrThrow()
								).n,
							),
						{ timeout: 10_000 },
					)
					.toBe(30);
			}
		} finally {
			await configure({
				audit_log_forward_endpoint: `127.0.0.1:${syslog.port}`,
			});
			await stuck.close();
		}
		// Back on a live endpoint, forwarding goes on.
		await createProject("fwd-alive");
		await expect
			.poll(() => forwarded("fwd-alive").length, { timeout: 15_000 })
			.toBe(1);
	});
});
