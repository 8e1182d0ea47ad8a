import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { z } from "./zod.ts";

type Selector = { kind: "doublestar"; decoration: string; pattern: string };

/** Harbor's ImmutableRule: tags of matching repositories can be neither re-pushed to another digest nor deleted. */
export type ImmutableRule = {
	id: number;
	project_id: number;
	priority: number;
	disabled: boolean;
	action: "immutable";
	template: "immutable_template";
	tag_selectors: Selector[];
	scope_selectors: { repository: Selector[] };
};

export type ImmutableRuleListParams = PageParams & { project: string };

export const immutableRuleKeys = {
	all: ["immutable-rules"] as const,
	list: (p: ImmutableRuleListParams) => ["immutable-rules", "list", p] as const,
};

const rulesPath = (project: string) =>
	`/api/v2.0/projects/${encodeURIComponent(project)}/immutabletagrules`;

export const getImmutableRules = (p: ImmutableRuleListParams) =>
	api.page<ImmutableRule>(
		`${rulesPath(p.project)}${query({ ...pageQuery(p) })}`,
	);

export const immutableRulesQuery = (p: ImmutableRuleListParams) =>
	listQuery(immutableRuleKeys.list(p), () => getImmutableRules(p), []);

export const useImmutableRules = (p: ImmutableRuleListParams) =>
	useQuery(immutableRulesQuery(p));

/** What the rule editor sends: which repositories and which tags, each included or excluded by a doublestar pattern. */
export const immutableRuleInput = z.object({
	repoDecoration: z.enum(["repoMatches", "repoExcludes"]),
	repoPattern: z.string().trim().min(1),
	tagDecoration: z.enum(["matches", "excludes"]),
	tagPattern: z.string().trim().min(1),
});
export type ImmutableRuleInput = z.infer<typeof immutableRuleInput>;

/** Harbor's body for a rule (`disabled` kept as it was when editing). */
const bodyOf = (
	input: ImmutableRuleInput,
	rest: { id?: number; disabled: boolean; priority: number },
) => {
	const i = immutableRuleInput.parse(input);
	return {
		...rest,
		action: "immutable",
		template: "immutable_template",
		tag_selectors: [
			{
				kind: "doublestar",
				decoration: i.tagDecoration,
				pattern: i.tagPattern,
			},
		],
		scope_selectors: {
			repository: [
				{
					kind: "doublestar",
					decoration: i.repoDecoration,
					pattern: i.repoPattern,
				},
			],
		},
	};
};

/** The editor's fields of a stored rule. */
export const inputOf = (r: ImmutableRule): ImmutableRuleInput => ({
	repoDecoration:
		r.scope_selectors.repository[0]?.decoration === "repoExcludes"
			? "repoExcludes"
			: "repoMatches",
	repoPattern: r.scope_selectors.repository[0]?.pattern ?? "",
	tagDecoration:
		r.tag_selectors[0]?.decoration === "excludes" ? "excludes" : "matches",
	tagPattern: r.tag_selectors[0]?.pattern ?? "",
});

export const createImmutableRule = (
	project: string,
	input: ImmutableRuleInput,
) =>
	api.send(
		"POST",
		rulesPath(project),
		bodyOf(input, { disabled: false, priority: 0 }),
	);

export const updateImmutableRule = (
	project: string,
	rule: ImmutableRule,
	input: ImmutableRuleInput,
	disabled = rule.disabled,
) =>
	api.send(
		"PUT",
		`${rulesPath(project)}/${rule.id}`,
		bodyOf(input, { id: rule.id, disabled, priority: rule.priority }),
	);

export const deleteImmutableRule = (project: string, id: number) =>
	api.send("DELETE", `${rulesPath(project)}/${id}`);

const useRuleMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [immutableRuleKeys.all]);

export const useCreateImmutableRule = (project: string) =>
	useRuleMutation((input: ImmutableRuleInput) =>
		createImmutableRule(project, input),
	);
export const useUpdateImmutableRule = (project: string) =>
	useRuleMutation(
		(v: {
			rule: ImmutableRule;
			input: ImmutableRuleInput;
			disabled?: boolean;
		}) => updateImmutableRule(project, v.rule, v.input, v.disabled),
	);
export const useDeleteImmutableRule = (project: string) =>
	useRuleMutation((id: number) => deleteImmutableRule(project, id));
