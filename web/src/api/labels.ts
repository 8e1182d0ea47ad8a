import { useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { z } from "./zod.ts";

/** Harbor's Label: global (`g`) or of one project (`p`). */
export type Label = {
	id: number;
	name: string;
	description: string;
	color: string;
	scope: "g" | "p";
	project_id: number;
	creation_time: string;
	update_time: string;
};

export type LabelListParams = PageParams & {
	scope: "g" | "p";
	projectId?: number;
	name?: string;
};

export const labelKeys = {
	all: ["labels"] as const,
	list: (p: LabelListParams) => ["labels", "list", p] as const,
};

export const getLabels = (p: LabelListParams) =>
	api.page<Label>(
		`/api/v2.0/labels${query({ scope: p.scope, project_id: p.projectId, page: p.page, page_size: p.pageSize, name: p.name, sort: p.sort })}`,
	);

/** The scope and project are the list's scope: global labels never stand in for a project's. */
export const labelsQuery = (p: LabelListParams) =>
	listQuery(labelKeys.list(p), () => getLabels(p), ["name"]);

export const useLabels = (p: LabelListParams, enabled = true) =>
	useQuery({ ...labelsQuery(p), enabled });

/** What the label editor sends: the scope and project are fixed at creation. */
export const labelInput = z.object({
	name: z.string().trim().min(1).max(128),
	description: z.string().max(1024),
	color: z.string().max(32),
});
export type LabelInput = z.infer<typeof labelInput>;

export const createLabel = (
	scope: { scope: "g" } | { scope: "p"; projectId: number },
	input: LabelInput,
) =>
	api.send("POST", "/api/v2.0/labels", {
		...labelInput.parse(input),
		scope: scope.scope,
		...(scope.scope === "p" ? { project_id: scope.projectId } : {}),
	});

export const updateLabel = (id: number, input: LabelInput) =>
	api.send("PUT", `/api/v2.0/labels/${id}`, labelInput.parse(input));

export const deleteLabel = (id: number) =>
	api.send("DELETE", `/api/v2.0/labels/${id}`);

/** Label changes show wherever labels are listed (artifact lists refetch their labels when next shown). */
const useLabelMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [labelKeys.all]);

export const useCreateLabel = () =>
	useLabelMutation(
		(v: { scope: Parameters<typeof createLabel>[0]; input: LabelInput }) =>
			createLabel(v.scope, v.input),
	);
export const useUpdateLabel = () =>
	useLabelMutation((v: { id: number; input: LabelInput }) =>
		updateLabel(v.id, v.input),
	);
export const useDeleteLabel = () => useLabelMutation(deleteLabel);
