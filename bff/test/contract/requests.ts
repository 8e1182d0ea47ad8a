import { iconOf } from "../../api/icons/icons.ts";
import { roles } from "../../auth/policy.ts";
import { createUserService } from "../../auth/users.ts";
import { now } from "../../db/database.ts";
import { client } from "../distribution-helpers.ts";
import { adminAuth, type TestServer } from "../harness.ts";

/** What the contract test made before calling every operation: names and ids to put in paths and bodies. */
export type Fixtures = {
	project: string;
	projectId: number;
	repository: string;
	digest: string;
	tag: string;
	userId: number;
	otherUser: string;
	robotId: number;
	labelId: number;
	memberId: number;
	/** A registry endpoint: this server itself, as a `harbor` remote. */
	registryId: number;
	/** The server's own URL (an endpoint that answers its ping). */
	url: string;
	/** A replication policy pushing `contract/**` to the server itself, one ended execution of it and its one task. */
	policyId: number;
	executionId: number;
	taskId: number;
	/** A second endpoint for the policy createReplicationPolicy makes (deleteRegistry must find its endpoint unused). */
	spareRegistryId: number;
	/** The project's retention policy, one ended dry run of it and its task; a project without a policy; a policy to delete. */
	retentionId: number;
	retentionExecutionId: number;
	retentionTaskId: number;
	unretainedProjectId: number;
	spareRetentionId: number;
};

/** One call's inputs; path parameters come from `pathValues` unless `params` names them. */
export type Call = {
	params?: Record<string, string | number>;
	query?: Record<string, string>;
	body?: unknown;
	headers?: Record<string, string>;
	/** Operations of this slice must answer this status with these inputs (others are only checked against the schema). */
	mustAnswer?: number;
};

const idFrom = (r: Response) =>
	Number(r.headers.get("location")?.split("/").pop());

async function post(
	s: TestServer,
	path: string,
	body: unknown,
): Promise<Response> {
	return fetch(`${s.url}/api/v2.0${path}`, {
		method: "POST",
		headers: { Authorization: adminAuth, "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
}

/**
 * Makes what operations need: through the API where it is implemented (so each slice sees rows it made itself),
 * else straight in the database; a pushed image through /v2.
 */
export async function prepareFixtures(s: TestServer): Promise<Fixtures> {
	const project = "contract";
	const allowlist = {
		items: [{ cve_id: "CVE-2024-0001" }],
		expires_at: 4102444800,
	};
	if (
		(
			await post(s, "/projects", {
				project_name: project,
				metadata: { public: "false" },
				cve_allowlist: allowlist,
			})
		).status !== 201
	) {
		const t = now();
		const p = await s.db
			.insertInto("projects")
			.values({
				name: project,
				owner_id: 1,
				public: 0,
				creation_time: t,
				update_time: t,
			})
			.returning("id")
			.executeTakeFirstOrThrow();
		await s.db
			.insertInto("members")
			.values({
				project_id: p.id,
				entity_type: "u",
				entity_id: 1,
				role: roles.projectAdmin,
				creation_time: t,
				update_time: t,
			})
			.execute();
	}
	const projectId = (
		await s.db
			.selectFrom("projects")
			.select("id")
			.where("name", "=", project)
			.executeTakeFirstOrThrow()
	).id;
	// A webhook policy (id 1) before the push, so the push makes its execution and task (id 1 each) for the views to answer.
	await post(s, `/projects/${project}/webhook/policies`, {
		name: "contract",
		event_types: ["PUSH_ARTIFACT"],
		targets: [{ type: "http", address: "http://127.0.0.1:9/contract" }],
	});
	const { digest } = await client(s).pushImage(`${project}/app`, "latest");
	// The first user group (group_id 1 in paths): an HTTP group, which needs no directory.
	await post(s, "/usergroups", { group_type: 2, group_name: "contract-group" });

	const user = async (username: string) => {
		const r = await post(s, "/users", {
			username,
			password: "Contract123",
			email: `${username}@example.com`,
			realname: username,
		});
		return r.status === 201
			? idFrom(r)
			: createUserService(s.db).create({ username, password: "Contract123" });
	};
	const userId = await user("contract-user");
	await user("contract-other");

	const robot = await post(s, "/robots", {
		name: "contract",
		level: "system",
		duration: -1,
		permissions: [
			{
				kind: "system",
				namespace: "/",
				access: [{ resource: "audit-log", action: "list" }],
			},
		],
	});
	const label = await post(s, "/labels", {
		name: "contract",
		scope: "g",
		color: "#0000FF",
	});
	const member = await post(s, `/projects/${project}/members`, {
		role_id: roles.developer,
		member_user: { username: "contract-user" },
	});
	const registry = await post(s, "/registries", {
		name: "contract",
		type: "harbor",
		url: s.url,
		credential: {
			type: "basic",
			access_key: "admin",
			access_secret: "Harbor12345",
		},
	});
	const replication = await replicateToSelf(
		s,
		registry.status === 201 ? idFrom(registry) : 1,
	);
	return {
		...replication,
		...(await retentionFixtures(s, projectId)),
		project,
		projectId,
		repository: "app",
		digest,
		tag: "latest",
		userId,
		otherUser: "contract-other",
		robotId: robot.status === 201 ? idFrom(robot) : 1,
		labelId: label.status === 201 ? idFrom(label) : 1,
		memberId: member.status === 201 ? idFrom(member) : 1,
		registryId: registry.status === 201 ? idFrom(registry) : 1,
		url: s.url,
	};
}

/** A push policy from the server to itself (as a `harbor` remote) run once to its end: a real execution, task and log. */
async function replicateToSelf(s: TestServer, registryId: number) {
	const policy = await post(s, "/replication/policies", {
		name: "contract",
		dest_registry: { id: registryId },
		dest_namespace: "contract-mirror",
		dest_namespace_replace_count: 1,
		filters: [{ type: "name", value: "contract/**" }],
		trigger: { type: "manual" },
		enabled: true,
		override: true,
	});
	const spare = await post(s, "/registries", {
		name: "contract-spare",
		type: "docker-registry",
		url: s.url,
		credential: {
			type: "basic",
			access_key: "admin",
			access_secret: "Harbor12345",
		},
	});
	const spareRegistryId = spare.status === 201 ? idFrom(spare) : 1;
	if (policy.status !== 201)
		return { policyId: 1, executionId: 1, taskId: 1, spareRegistryId };
	const policyId = idFrom(policy);
	const executionId = idFrom(
		await post(s, "/replication/executions", { policy_id: policyId }),
	);
	const get = (path: string) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			headers: { Authorization: adminAuth },
		}).then((r) => r.json());
	for (
		let i = 0;
		i < 300 &&
		(
			(await get(`/replication/executions/${executionId}`)) as {
				status: string;
			}
		).status === "InProgress";
		i++
	) {
		await new Promise((r) => setTimeout(r, 100));
	}
	const [task] = (await get(
		`/replication/executions/${executionId}/tasks`,
	)) as { id: number }[];
	return { policyId, executionId, taskId: task?.id ?? 1, spareRegistryId };
}

const retentionPolicy = (projectId: number) => ({
	algorithm: "or",
	trigger: { kind: "Schedule", settings: { cron: "" } },
	scope: { level: "project", ref: projectId },
	rules: [
		{
			action: "retain",
			template: "latestPushedK",
			params: { latestPushedK: 10 },
			tag_selectors: [
				{
					kind: "doublestar",
					decoration: "matches",
					pattern: "**",
					extras: '{"untagged":true}',
				},
			],
			scope_selectors: {
				repository: [
					{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
				],
			},
		},
	],
});

/** The project's retention policy with a dry run ended (its execution and task), a project without one, and a policy to delete. */
async function retentionFixtures(s: TestServer, projectId: number) {
	const project = async (name: string) => {
		await post(s, "/projects", {
			project_name: name,
			metadata: { public: "false" },
		});
		return (
			await s.db
				.selectFrom("projects")
				.select("id")
				.where("name", "=", name)
				.executeTakeFirstOrThrow()
		).id;
	};
	const unretainedProjectId = await project("contract-unretained");
	const spare = await post(
		s,
		"/retentions",
		retentionPolicy(await project("contract-retained")),
	);
	const created = await post(s, "/retentions", retentionPolicy(projectId));
	const none = {
		retentionId: 1,
		retentionExecutionId: 1,
		retentionTaskId: 1,
		unretainedProjectId,
		spareRetentionId: spare.status === 201 ? idFrom(spare) : 1,
	};
	if (created.status !== 201) return none;
	const retentionId = idFrom(created);
	const retentionExecutionId = idFrom(
		await post(s, `/retentions/${retentionId}/executions`, { dry_run: true }),
	);
	const get = (path: string) =>
		fetch(`${s.url}/api/v2.0${path}`, {
			headers: { Authorization: adminAuth },
		}).then((r) => r.json());
	for (let i = 0; i < 300; i++) {
		const list = (await get(`/retentions/${retentionId}/executions`)) as {
			id: number;
			status: string;
		}[];
		if (
			!["Pending", "Running"].includes(
				list.find((e) => e.id === retentionExecutionId)?.status ?? "Pending",
			)
		)
			break;
		await new Promise((r) => setTimeout(r, 100));
	}
	const [task] = (await get(
		`/retentions/${retentionId}/executions/${retentionExecutionId}/tasks`,
	)) as { id: number }[];
	return {
		...none,
		retentionId,
		retentionExecutionId,
		retentionTaskId: task?.id ?? 1,
	};
}

/** Path parameters by name; an id nothing made is 1 (the answer is then checked as an error). */
export const pathValues = (f: Fixtures): Record<string, string | number> => ({
	project_name: f.project,
	project_name_or_id: f.project,
	repository_name: f.repository,
	reference: f.digest,
	tag_name: f.tag,
	user_id: f.userId,
	robot_id: f.robotId,
	label_id: f.labelId,
	mid: f.memberId,
	meta_name: "auto_scan",
	addition: "build_history",
	digest: f.digest,
	job_type: "GARBAGE_COLLECTION",
	pool_id: "all",
	preheat_instance_name: "contract",
	preheat_policy_name: "contract",
	report_id: "contract",
	job_id: "1",
	id: 1,
	execution_id: 1,
	task_id: 1,
	eid: 1,
	tid: 1,
	webhook_policy_id: 1,
	label: 1,
	gc_id: 1,
	purge_id: 1,
	registration_id: "contract",
	immutable_rule_id: 1,
	group_id: 1,
});

const immutableRule = () => ({
	action: "immutable",
	template: "immutable_template",
	priority: 0,
	tag_selectors: [
		{ kind: "doublestar", decoration: "matches", pattern: "contract-held-*" },
	],
	scope_selectors: {
		repository: [
			{ kind: "doublestar", decoration: "repoMatches", pattern: "**" },
		],
	},
});

/** Inputs for operations that need more than their path: required queries, and bodies a Harbor client would send. */
export const calls: Record<string, (f: Fixtures) => Call> = {
	// This slice: audit log, system, configuration.
	listAuditLogs: () => ({
		query: { q: "operation={create pull}", sort: "-op_time", page_size: "5" },
		mustAnswer: 200,
	}),
	listAuditLogExts: () => ({
		query: { q: "op_time=[2000-01-01 00:00:00~2100-01-01 00:00:00]" },
		mustAnswer: 200,
	}),
	listAuditLogEventTypes: () => ({ mustAnswer: 200 }),
	getLogs: () => ({ query: { page_size: "2" }, mustAnswer: 200 }),
	getLogExts: () => ({ mustAnswer: 200 }),
	getSystemInfo: () => ({ mustAnswer: 200 }),
	getVolumes: () => ({ mustAnswer: 200 }),
	getCert: () => ({ mustAnswer: 404 }),
	getHealth: () => ({ mustAnswer: 200 }),
	getPing: () => ({ mustAnswer: 200 }),
	getIcon: () => ({ params: { digest: iconOf("IMAGE") }, mustAnswer: 200 }),
	getConfigurations: () => ({ mustAnswer: 200 }),
	// Defaults, so later calls see the server unchanged: keys of features still to come and the scan-all object among them.
	updateConfigurations: () => ({
		body: {
			banner_message: "",
			self_registration: false,
			session_timeout: 60,
			token_expiration: 30,
			robot_name_prefix: "robot$",
			ldap_scope: 2,
			oidc_verify_cert: true,
			scan_all_policy: { type: "none" },
		},
		mustAnswer: 200,
	}),
	getInternalconfig: () => ({ mustAnswer: 403 }),
	// This slice: registry endpoints (the server is its own remote).
	listRegistries: () => ({
		query: { q: "name=~contract", sort: "-creation_time" },
		mustAnswer: 200,
	}),
	getRegistry: (f) => ({ params: { id: f.registryId }, mustAnswer: 200 }),
	getRegistryInfo: (f) => ({ params: { id: f.registryId }, mustAnswer: 200 }),
	listRegistryProviderTypes: () => ({ mustAnswer: 200 }),
	listRegistryProviderInfos: () => ({ mustAnswer: 200 }),
	createRegistry: (f) => ({
		body: {
			name: "contract-new",
			type: "docker-registry",
			url: f.url,
			credential: {
				type: "basic",
				access_key: "admin",
				access_secret: "Harbor12345",
			},
		},
		mustAnswer: 201,
	}),
	pingRegistry: (f) => ({ body: { id: f.registryId }, mustAnswer: 200 }),
	updateRegistry: (f) => ({
		params: { id: f.registryId },
		body: { description: "updated by the contract test" },
		mustAnswer: 200,
	}),
	deleteRegistry: (f) => ({ params: { id: f.registryId }, mustAnswer: 200 }),

	// The job service and schedules (no job exists in the contract's server: a job's stop and log answer 404).
	getWorkerPools: () => ({ mustAnswer: 200 }),
	getWorkers: () => ({ params: { pool_id: "all" }, mustAnswer: 200 }),
	listJobQueues: () => ({ mustAnswer: 200 }),
	actionPendingJobs: () => ({
		params: { job_type: "all" },
		body: { action: "resume" },
		mustAnswer: 200,
	}),
	stopRunningJob: () => ({ params: { job_id: "424242" }, mustAnswer: 404 }),
	actionGetJobLog: () => ({ params: { job_id: "424242" }, mustAnswer: 404 }),
	listSchedules: () => ({ mustAnswer: 200 }),
	getSchedulePaused: () => ({ params: { job_type: "all" }, mustAnswer: 200 }),

	// Replication (a policy to the server itself, run once by the fixtures).
	listReplicationPolicies: () => ({
		query: { name: "contract", sort: "name" },
		mustAnswer: 200,
	}),
	getReplicationPolicy: (f) => ({
		params: { id: f.policyId },
		mustAnswer: 200,
	}),
	createReplicationPolicy: (f) => ({
		body: {
			name: "contract-new",
			dest_registry: { id: f.spareRegistryId },
			filters: [{ type: "name", value: "nothing/**" }],
			trigger: { type: "manual" },
			enabled: true,
		},
		mustAnswer: 201,
	}),
	updateReplicationPolicy: (f) => ({
		params: { id: f.policyId },
		body: { name: "contract", description: "updated by the contract test" },
		mustAnswer: 200,
	}),
	deleteReplicationPolicy: (f) => ({
		params: { id: f.policyId },
		mustAnswer: 200,
	}),
	listReplicationExecutions: (f) => ({
		query: {
			policy_id: String(f.policyId),
			status: "Succeed",
			trigger: "manual",
		},
		mustAnswer: 200,
	}),
	getReplicationExecution: (f) => ({
		params: { id: f.executionId },
		mustAnswer: 200,
	}),
	startReplication: (f) => ({
		body: { policy_id: f.policyId },
		mustAnswer: 201,
	}),
	stopReplication: (f) => ({ params: { id: f.executionId }, mustAnswer: 200 }),
	listReplicationTasks: (f) => ({
		params: { id: f.executionId },
		query: { status: "Succeed" },
		mustAnswer: 200,
	}),
	getReplicationLog: (f) => ({
		params: { id: f.executionId, task_id: f.taskId },
		mustAnswer: 200,
	}),

	// GC: a dry run made by the Manual schedule type (gc 1, stopped after), a schedule set.
	getGCHistory: () => ({ mustAnswer: 200 }),
	getGCSchedule: () => ({ mustAnswer: 200 }),
	createGCSchedule: () => ({
		body: {
			schedule: { type: "Manual" },
			parameters: { dry_run: true, workers: 1 },
		},
		mustAnswer: 201,
	}),
	updateGCSchedule: () => ({
		body: {
			schedule: { type: "Custom", cron: "0 0 3 * * *" },
			parameters: { delete_untagged: true },
		},
		mustAnswer: 200,
	}),
	stopGC: () => ({ mustAnswer: 200 }),

	// Audit-log purge: a dry run made by the Manual schedule type (purge 1, stopped after), a schedule set.
	getPurgeHistory: () => ({
		query: { page: "1", page_size: "5" },
		mustAnswer: 200,
	}),
	getPurgeSchedule: () => ({ mustAnswer: 200 }),
	createPurgeSchedule: () => ({
		body: {
			schedule: { type: "Manual" },
			parameters: {
				audit_retention_hour: 168,
				include_event_types: "create_artifact,pull_artifact",
				dry_run: true,
			},
		},
		mustAnswer: 201,
	}),
	updatePurgeSchedule: () => ({
		body: {
			schedule: { type: "Custom", cron: "0 0 4 * * *" },
			parameters: {
				audit_retention_hour: 720,
				include_event_types: "pull_artifact",
			},
		},
		mustAnswer: 200,
	}),
	stopPurge: () => ({ mustAnswer: 200 }),

	// Retention: the project's policy (a dry run of it ended), a project without one, a policy to delete.
	getRentenitionMetadata: () => ({ mustAnswer: 200 }),
	getRetention: (f) => ({ params: { id: f.retentionId }, mustAnswer: 200 }),
	createRetention: (f) => ({
		body: retentionPolicy(f.unretainedProjectId),
		mustAnswer: 201,
	}),
	updateRetention: (f) => ({
		params: { id: f.retentionId },
		body: retentionPolicy(f.projectId),
		mustAnswer: 200,
	}),
	deleteRetention: (f) => ({
		params: { id: f.spareRetentionId },
		mustAnswer: 200,
	}),
	triggerRetentionExecution: (f) => ({
		params: { id: f.retentionId },
		body: { dry_run: true },
		mustAnswer: 201,
	}),
	listRetentionExecutions: (f) => ({
		params: { id: f.retentionId },
		mustAnswer: 200,
	}),
	operateRetentionExecution: (f) => ({
		params: { id: f.retentionId, eid: f.retentionExecutionId },
		body: { action: "stop" },
		mustAnswer: 200,
	}),
	listRetentionTasks: (f) => ({
		params: { id: f.retentionId, eid: f.retentionExecutionId },
		mustAnswer: 200,
	}),
	getRetentionTaskLog: (f) => ({
		params: {
			id: f.retentionId,
			eid: f.retentionExecutionId,
			tid: f.retentionTaskId,
		},
		mustAnswer: 200,
	}),

	// Others' slices: inputs a Harbor client would send.
	search: (f) => ({ query: { q: f.repository } }),
	headProject: (f) => ({ query: { project_name: f.project } }),
	createProject: () => ({
		body: {
			project_name: "contract-new",
			public: false,
			metadata: { public: "false" },
		},
	}),
	updateProject: () => ({
		body: {
			metadata: { auto_scan: "false" },
			cve_allowlist: { items: [{ cve_id: "CVE-2024-0002" }] },
		},
		mustAnswer: 200,
	}),
	getSystemCVEAllowlist: () => ({ mustAnswer: 200 }),
	putSystemCVEAllowlist: () => ({
		body: { items: [{ cve_id: "CVE-2024-0001" }], expires_at: 4102444800 },
		mustAnswer: 200,
	}),
	ListImmuRules: () => ({ mustAnswer: 200 }),
	ListWebhookPoliciesOfProject: () => ({ mustAnswer: 200 }),
	GetWebhookPolicyOfProject: () => ({ mustAnswer: 200 }),
	ListExecutionsOfWebhookPolicy: () => ({ mustAnswer: 200 }),
	LastTrigger: () => ({ mustAnswer: 200 }),
	CreateWebhookPolicyOfProject: () => ({
		body: {
			name: "contract-2",
			enabled: true,
			event_types: ["PULL_ARTIFACT"],
			targets: [
				{
					type: "http",
					address: "http://127.0.0.1:9/x",
					payload_format: "CloudEvents",
					auth_header: "Bearer x",
				},
			],
		},
		mustAnswer: 201,
	}),
	UpdateWebhookPolicyOfProject: () => ({
		body: { name: "contract", enabled: false },
		mustAnswer: 200,
	}),
	DeleteWebhookPolicyOfProject: () => ({ mustAnswer: 200 }),
	listScanners: () => ({ mustAnswer: 200 }),
	addProjectMetadatas: () => ({ body: { auto_scan: "false" } }),
	updateProjectMetadata: () => ({ body: { auto_scan: "false" } }),
	createProjectMember: (f) => ({
		body: { role_id: roles.guest, member_user: { username: f.otherUser } },
	}),
	updateProjectMember: () => ({ body: { role_id: roles.maintainer } }),
	updateRepository: () => ({
		body: { description: "made by the contract test" },
	}),
	CopyArtifact: (f) => ({
		params: { repository_name: "copy" },
		query: { from: `${f.project}/${f.repository}@${f.digest}` },
	}),
	createTag: () => ({ body: { name: "contract-new" } }),
	addLabel: (f) => ({ body: { id: f.labelId } }),
	CreateRobot: () => ({
		body: {
			name: "contract-new",
			level: "system",
			duration: 30,
			permissions: [
				{
					kind: "system",
					namespace: "/",
					access: [{ resource: "user", action: "list" }],
				},
			],
		},
	}),
	UpdateRobot: (f) => ({
		body: {
			id: f.robotId,
			name: "robot$contract",
			level: "system",
			duration: -1,
			disable: false,
			description: "updated",
			permissions: [
				{
					kind: "system",
					namespace: "/",
					access: [{ resource: "audit-log", action: "list" }],
				},
			],
		},
	}),
	RefreshSec: () => ({ body: {} }),
	CreateLabel: () => ({
		body: { name: "contract-new", scope: "g", color: "#FF0000" },
	}),
	UpdateLabel: () => ({
		body: {
			name: "contract-renamed",
			description: "renamed",
			color: "#00FF00",
			scope: "g",
		},
	}),
	// A rule (the server's first, id 1) whose tags nothing else here is named, so the deletions after it still pass.
	CreateImmuRule: () => ({ body: immutableRule(), mustAnswer: 201 }),
	UpdateImmuRule: () => ({
		body: { ...immutableRule(), id: 1, disabled: true },
		mustAnswer: 200,
	}),
	DeleteImmuRule: () => ({ mustAnswer: 200 }),
	updateQuota: () => ({ body: { hard: { storage: -1 } } }),
	createUser: () => ({
		body: {
			username: "contract-new",
			password: "Contract123",
			email: "contract-new@example.com",
			realname: "New",
		},
	}),
	updateUserProfile: () => ({
		body: {
			email: "contract-user@example.org",
			realname: "Contract User",
			comment: "contract",
		},
	}),
	setUserSysAdmin: () => ({ body: { sysadmin_flag: false } }),
	updateUserPassword: () => ({
		body: { old_password: "Contract123", new_password: "Contract456" },
	}),
	getCurrentUserPermissions: (f) => ({
		query: { scope: `/project/${f.projectId}`, relative: "true" },
	}),
	searchUsers: () => ({ query: { username: "contract" } }),
	listQuotas: (f) => ({
		query: { reference: "project", reference_id: String(f.projectId) },
	}),
	searchUserGroups: () => ({ query: { groupname: "contract" } }),
	createUserGroup: () => ({
		body: { group_type: 3, group_name: "contract-oidc" },
		mustAnswer: 201,
	}),
	getUserGroup: () => ({ mustAnswer: 200 }),
	updateUserGroup: () => ({
		body: { group_name: "contract-renamed" },
		mustAnswer: 200,
	}),
	// No directory is configured here: the ping says so (200, success false).
	pingLdap: () => ({ body: {}, mustAnswer: 200 }),
	ListWebhookJobs: () => ({ query: { policy_id: "1" } }),
	exportScanData: () => ({
		headers: {
			"X-Scan-Data-Type":
				"application/vnd.security.vulnerability.report; version=1.1",
		},
		body: {},
	}),
};
