import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { projectKeys } from "./projects.ts";
import { z } from "./zod.ts";

/** Harbor's public templates: each retains, among the artifacts a rule's selectors pick, these. */
export const retentionTemplates = [
	"latestPushedK",
	"latestPulledN",
	"nDaysSinceLastPush",
	"nDaysSinceLastPull",
	"always",
] as const;
export type RetentionTemplate = (typeof retentionTemplates)[number];
/** What a template's number counts: artifacts, days, or nothing (`always`). */
export const templateUnit = (t: RetentionTemplate): "count" | "days" | null =>
	t === "always" ? null : t.startsWith("latest") ? "count" : "days";

/** `doublestar` globs as Harbor's, or (beyond Harbor) RE2 regular expressions matched against the whole name. */
export const selectorKinds = ["doublestar", "regex"] as const;
export type SelectorKind = (typeof selectorKinds)[number];

type Selector = {
	kind: SelectorKind;
	decoration: string;
	pattern: string;
	extras?: string;
};

/** Harbor's RetentionRule (`id` is its place in the policy, from 1). */
export type RetentionRule = {
	id?: number;
	priority: number;
	disabled: boolean;
	action: "retain";
	template: RetentionTemplate;
	params: Record<string, number>;
	tag_selectors: Selector[];
	scope_selectors: { repository: Selector[] };
};

/** Harbor's RetentionPolicy: `or` of its rules, a cron (`''`: none) and, beyond Harbor, when it fires next. */
export type RetentionPolicy = {
	id: number;
	algorithm: "or";
	rules: RetentionRule[];
	trigger: {
		kind: "Schedule";
		settings: { cron: string };
		references?: object;
		next_scheduled_time?: string;
	};
	scope: { level: "project"; ref: number };
};

export type RetentionStatus =
	| "Pending"
	| "Running"
	| "Succeed"
	| "Failed"
	| "Stopped";

export type RetentionExecution = {
	id: number;
	policy_id: number;
	start_time: string;
	end_time: string;
	status: RetentionStatus;
	trigger: string;
	dry_run: boolean;
};

/** One repository of an execution: how many artifacts it judged and how many it kept. */
export type RetentionTask = {
	id: number;
	execution_id: number;
	repository: string;
	status: RetentionStatus;
	start_time: string;
	end_time: string;
	total: number;
	retained: number;
};

/** A line of a task's table: an artifact, whether it is kept (RETAIN) or deleted (DEL), and why. */
export type RetentionRow = {
	digest: string;
	tags: string[];
	kind: string;
	pushed: string;
	pulled: string | null;
	action: "RETAIN" | "DEL";
	why: string;
};

/** Harbor allows at most this many rules in a policy (the server refuses the next). */
export const maxRetentionRules = 15;

export const retentionKeys = {
	all: ["retention"] as const,
	policy: (id: number) => ["retention", "policy", id] as const,
	executions: (policyId: number, p: PageParams) =>
		["retention", "executions", policyId, p] as const,
	tasks: (policyId: number, executionId: number) =>
		["retention", "tasks", policyId, executionId] as const,
	rows: (policyId: number, executionId: number, taskId: number) =>
		["retention", "rows", policyId, executionId, taskId] as const,
};

const base = "/api/v2.0/retentions";
const live = (s: string) => s === "Pending" || s === "Running";
/** Lists with a run still going refresh every two seconds, and stop once it ended. */
const whileRunning = (items: { status: string }[] | undefined) =>
	items?.some((i) => live(i.status)) ? 2000 : false;
export const isRunning = (e: { status: string }) => live(e.status);

/** A project's policy id, from its metadata (`retention_id`); undefined when it has none yet. */
export const retentionIdOf = (
	metadata: Record<string, string | undefined> | undefined,
): number | undefined => {
	const id = Number(metadata?.retention_id);
	return Number.isInteger(id) && id > 0 ? id : undefined;
};

export const getRetention = (id: number) =>
	api.get<RetentionPolicy>(`${base}/${id}`);
export const useRetention = (id: number | undefined) =>
	useQuery({
		queryKey: retentionKeys.policy(id ?? 0),
		queryFn: () => getRetention(id!),
		enabled: id !== undefined,
	});

export const getRetentionExecutions = (policyId: number, p: PageParams) =>
	api.page<RetentionExecution>(
		`${base}/${policyId}/executions${query(pageQuery(p))}`,
	);
export const useRetentionExecutions = (policyId: number, p: PageParams) =>
	useQuery({
		...listQuery(
			retentionKeys.executions(policyId, p),
			() => getRetentionExecutions(policyId, p),
			[],
		),
		refetchInterval: (q) => whileRunning(q.state.data?.items),
	});

export const getRetentionTasks = (policyId: number, executionId: number) =>
	api.page<RetentionTask>(
		`${base}/${policyId}/executions/${executionId}/tasks?page_size=100`,
	);
export const useRetentionTasks = (
	policyId: number,
	executionId: number,
	running: boolean,
) =>
	useQuery({
		queryKey: retentionKeys.tasks(policyId, executionId),
		queryFn: () => getRetentionTasks(policyId, executionId),
		refetchInterval: (q) =>
			running ? 2000 : whileRunning(q.state.data?.items),
	});

/** A task's table as rows (Harbor answers it as text; asked for JSON, Wharf answers the rows). */
export const getRetentionRows = (
	policyId: number,
	executionId: number,
	taskId: number,
) =>
	api.get<RetentionRow[]>(
		`${base}/${policyId}/executions/${executionId}/tasks/${taskId}`,
		{ Accept: "application/json" },
	);
export const useRetentionRows = (
	policyId: number,
	executionId: number,
	taskId: number,
) =>
	useQuery({
		queryKey: retentionKeys.rows(policyId, executionId, taskId),
		queryFn: () => getRetentionRows(policyId, executionId, taskId),
	});

// ---- the rule editor's form, and Harbor's bodies

/** What the rule editor holds: which repositories, the template and its number, which tags, untagged or not. */
export const retentionRuleInput = z
	.object({
		repoKind: z.enum(selectorKinds),
		repoDecoration: z.enum(["repoMatches", "repoExcludes"]),
		repoPattern: z.string().trim().min(1),
		template: z.enum(retentionTemplates),
		/** The count or days, as typed; ignored for `always`. */
		n: z.string().trim(),
		tagKind: z.enum(selectorKinds),
		tagDecoration: z.enum(["matches", "excludes"]),
		tagPattern: z.string().trim().min(1),
		untagged: z.boolean(),
	})
	.refine((i) => i.template === "always" || /^\d{1,7}$/.test(i.n), {
		path: ["n"],
		message: "a whole number",
	});
export type RetentionRuleInput = z.infer<typeof retentionRuleInput>;

export const blankRule: RetentionRuleInput = {
	repoKind: "doublestar",
	repoDecoration: "repoMatches",
	repoPattern: "**",
	template: "latestPushedK",
	n: "",
	tagKind: "doublestar",
	tagDecoration: "matches",
	tagPattern: "**",
	untagged: true,
};

const kindOf = (k: string | undefined): SelectorKind =>
	k === "regex" ? "regex" : "doublestar";

/** Whether a rule's tag selector also picks untagged artifacts (Harbor's extras `{"untagged":true}`). */
export const picksUntagged = (r: RetentionRule) => {
	try {
		return (
			(JSON.parse(r.tag_selectors[0]?.extras || "{}") as { untagged?: unknown })
				.untagged === true
		);
	} catch {
		return false;
	}
};

/** The editor's fields of a stored rule. */
export const inputOfRule = (r: RetentionRule): RetentionRuleInput => {
	const repo = r.scope_selectors.repository[0];
	const tag = r.tag_selectors[0];
	return {
		repoKind: kindOf(repo?.kind),
		repoDecoration:
			repo?.decoration === "repoExcludes" ? "repoExcludes" : "repoMatches",
		repoPattern: repo?.pattern ?? "",
		template: r.template,
		n: r.template === "always" ? "" : String(r.params[r.template] ?? ""),
		tagKind: kindOf(tag?.kind),
		tagDecoration: tag?.decoration === "excludes" ? "excludes" : "matches",
		tagPattern: tag?.pattern ?? "",
		untagged: picksUntagged(r),
	};
};

/** Harbor's rule for the editor's fields (`disabled` and `priority` kept from the rule it replaces). */
export const ruleOfInput = (
	input: RetentionRuleInput,
	keep: { disabled: boolean; priority: number } = {
		disabled: false,
		priority: 0,
	},
): RetentionRule => {
	const i = retentionRuleInput.parse(input);
	return {
		...keep,
		action: "retain",
		template: i.template,
		params: i.template === "always" ? {} : { [i.template]: Number(i.n) },
		tag_selectors: [
			{
				kind: i.tagKind,
				decoration: i.tagDecoration,
				pattern: i.tagPattern,
				extras: JSON.stringify({ untagged: i.untagged }),
			},
		],
		scope_selectors: {
			repository: [
				{
					kind: i.repoKind,
					decoration: i.repoDecoration,
					pattern: i.repoPattern,
				},
			],
		},
	};
};

/** A policy's body: its rules (their ids left out: the server numbers them by place) and its cron. */
const bodyOf = (projectId: number, rules: RetentionRule[], cron: string) => ({
	algorithm: "or",
	rules: rules.map(({ id: _id, ...r }) => r),
	trigger: { kind: "Schedule", settings: { cron }, references: {} },
	scope: { level: "project", ref: projectId },
});

/**
 * Writes the project's policy: creates it when the project has none (its id then comes back in the project's
 * `retention_id`), else replaces it whole, as Harbor's PUT does.
 */
export const saveRetention = (v: {
	projectId: number;
	policyId: number | undefined;
	rules: RetentionRule[];
	cron: string;
}) =>
	v.policyId === undefined
		? api.send("POST", base, bodyOf(v.projectId, v.rules, v.cron))
		: api.send(
				"PUT",
				`${base}/${v.policyId}`,
				bodyOf(v.projectId, v.rules, v.cron),
			);
export const useSaveRetention = () =>
	useInvalidatingMutation(saveRetention, [retentionKeys.all, projectKeys.all]);

/** Starts a run now: a dry run only says what it would delete. */
export const runRetention = (v: { policyId: number; dryRun: boolean }) =>
	api.send("POST", `${base}/${v.policyId}/executions`, { dry_run: v.dryRun });
export const useRunRetention = () =>
	useInvalidatingMutation(runRetention, [retentionKeys.all]);

export const stopRetention = (v: { policyId: number; executionId: number }) =>
	api.send("PATCH", `${base}/${v.policyId}/executions/${v.executionId}`, {
		action: "stop",
	});
export const useStopRetention = () =>
	useInvalidatingMutation(stopRetention, [retentionKeys.all]);

// ---- the schedule

export type ScheduleType = "None" | "Hourly" | "Daily" | "Weekly" | "Custom";
export const scheduleTypes: ScheduleType[] = [
	"None",
	"Hourly",
	"Daily",
	"Weekly",
	"Custom",
];

/** Harbor portal's crons for its presets (6 fields, seconds first; times UTC). */
export const presetCrons: Record<
	Exclude<ScheduleType, "None" | "Custom">,
	string
> = {
	Hourly: "0 0 * * * *",
	Daily: "0 0 0 * * *",
	Weekly: "0 0 0 * * 0",
};

/** The preset a cron is, else Custom; None for none. */
export const scheduleTypeOf = (cron: string): ScheduleType => {
	const c = cron.trim().replace(/\s+/g, " ");
	if (!c) return "None";
	return (
		(Object.entries(presetCrons).find(([, v]) => v === c)?.[0] as
			| ScheduleType
			| undefined) ?? "Custom"
	);
};

/** The cron to save for a type (Custom: what was typed). */
export const cronOfSchedule = (type: ScheduleType, custom: string) =>
	type === "None" ? "" : type === "Custom" ? custom.trim() : presetCrons[type];
