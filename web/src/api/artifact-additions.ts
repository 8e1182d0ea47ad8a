import { useQuery } from "@tanstack/react-query";
import { artifactKeys, artifactPath } from "./artifacts.ts";
import { api } from "./client.ts";

/** One step of an image's build history (the image config's `history`). */
export type HistoryEntry = {
	created?: string;
	created_by?: string;
	author?: string;
	comment?: string;
	empty_layer?: boolean;
};

/** A chart's dependency (Chart.yaml `dependencies`). */
export type ChartDependency = {
	name: string;
	version: string;
	repository?: string;
};

const json =
	<T>() =>
	(path: string) =>
		api.get<T>(path);
const text = (path: string) => api.text(path);

/**
 * Harbor's additions and how each is read: build history for images, README, values and dependencies for charts.
 * README and values come as text, shown as written.
 */
const additions = {
	build_history: json<HistoryEntry[]>(),
	dependencies: json<ChartDependency[]>(),
	"readme.md": text,
	"values.yaml": text,
};

export type AdditionName = keyof typeof additions;

/** What an addition answers: build history and dependencies as JSON, README and values as text. */
export type Addition<N extends AdditionName> = Awaited<
	ReturnType<(typeof additions)[N]>
>;

const getAddition = <N extends AdditionName>(
	project: string,
	repo: string,
	reference: string,
	name: N,
) =>
	(additions[name] as (path: string) => Promise<Addition<N>>)(
		`${artifactPath(project, repo, reference)}/additions/${name}`,
	);

/** One addition of an artifact (`name` says which, and so what it answers); read once, not asked again while cached. */
export const useAddition = <N extends AdditionName>(
	project: string,
	repo: string,
	reference: string,
	name: N,
	enabled: boolean,
) =>
	useQuery({
		queryKey: artifactKeys.addition(project, repo, reference, name),
		queryFn: () => getAddition(project, repo, reference, name),
		staleTime: Infinity,
		enabled,
	});
