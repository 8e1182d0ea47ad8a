import { z } from "zod";

/**
 * What the API keeps of a pushed config blob: the fields Harbor's `extra_attrs` and `build_history` answer with,
 * typed, each dropped alone when it does not fit, so a crafted config can neither crash a list nor ride in its cache.
 */

/** Longest kept string: real values (a platform, a date, a chart description) are far shorter. */
const maxText = 4096;
/** The runtime `config` of an image is answered when its JSON is at most this; a bigger one is crafted, not built. */
const maxRuntimeConfigJson = 64 * 1024;
/** Real images have at most a few hundred history entries (127 layers plus empty ones). */
const maxHistory = 1024;

const text = z.string().max(maxText).optional().catch(undefined);
const texts = z
	.array(z.string().max(maxText))
	.max(1024)
	.optional()
	.catch(undefined);
const textMap = z
	.record(z.string().max(maxText), z.string().max(maxText))
	.optional()
	.catch(undefined);
const keySet = z
	.record(z.string().max(maxText), z.object({}))
	.optional()
	.catch(undefined);

/** Docker's image runtime config (`config.config`): what a container starts with. */
const runtimeConfig = z.object({
	User: text,
	ExposedPorts: keySet,
	Env: texts,
	Entrypoint: texts,
	Cmd: texts,
	Volumes: keySet,
	WorkingDir: text,
	Labels: textMap,
	StopSignal: text,
});

const imageConfig = z.object({
	architecture: text,
	os: text,
	variant: text,
	"os.version": text,
	author: text,
	created: text,
	config: runtimeConfig.optional().catch(undefined),
});

const person = z.object({ name: text, email: text, url: text });
const dependency = z.object({
	name: text,
	version: text,
	repository: text,
	condition: text,
	tags: texts,
	alias: text,
});

/** Chart.yaml's fields, as a Helm chart's config carries them. */
const chartConfig = z.object({
	apiVersion: text,
	name: text,
	version: text,
	kubeVersion: text,
	description: text,
	type: text,
	keywords: texts,
	home: text,
	sources: texts,
	icon: text,
	appVersion: text,
	deprecated: z.boolean().optional().catch(undefined),
	annotations: textMap,
	maintainers: z.array(person).max(256).optional().catch(undefined),
	dependencies: z.array(dependency).max(256).optional().catch(undefined),
});

const historyEntry = z.object({
	created: text,
	created_by: z.string().optional().catch(undefined),
	author: text,
	comment: text,
	empty_layer: z.boolean().optional().catch(undefined),
});

const dropUndefined = (o: Record<string, unknown>) =>
	Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Harbor's image `extra_attrs`: platform, author, creation time and the runtime config when it is of a sane size. */
export function imageAttrs(json: unknown): Record<string, unknown> {
	const c = imageConfig.safeParse(json);
	if (!c.success) return {};
	const { config, ...rest } = c.data;
	const runtime = config ? dropUndefined(config) : {};
	return {
		...dropUndefined(rest),
		author: rest.author ?? "",
		config:
			JSON.stringify(runtime).length <= maxRuntimeConfigJson ? runtime : {},
	};
}

/** A chart's `extra_attrs`: its Chart.yaml metadata. */
export function chartAttrs(json: unknown): Record<string, unknown> {
	const c = chartConfig.safeParse(json);
	return c.success ? dropUndefined(c.data) : {};
}

/** An image's build history (the `build_history` addition). */
export function buildHistory(json: unknown): Record<string, unknown>[] {
	const history = (json as { history?: unknown } | null)?.history;
	if (!Array.isArray(history)) return [];
	return history.slice(0, maxHistory).map((h) => {
		const e = historyEntry.safeParse(h);
		return e.success ? dropUndefined(e.data) : {};
	});
}
