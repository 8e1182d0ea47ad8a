import type {
	RegistryInfo,
	ReplicationFilter,
	ReplicationPolicy,
	ReplicationPolicyInput,
	TriggerType,
} from "../../api/replication.ts";
import { bandwidthKb } from "../../components/bandwidth.ts";

export type Mode = "push" | "pull";
export type Decoration = "matches" | "excludes";

/** The rule dialog's fields, as typed: text stays text until `toPolicy` checks it. */
export type RuleForm = {
	name: string;
	description: string;
	mode: Mode;
	/** The remote endpoint: destination of a push rule, source of a pull rule. */
	registryId: number | null;
	nameFilter: string;
	tagFilter: string;
	tagDecoration: Decoration;
	/** Label names, comma separated. */
	labels: string;
	labelDecoration: Decoration;
	/** '' = every resource type. */
	resource: string;
	destNamespace: string;
	replaceCount: number;
	trigger: TriggerType;
	cron: string;
	override: boolean;
	replicateDeletion: boolean;
	/** KB/s; -1 unlimited. */
	speed: string;
	copyByChunk: boolean;
	enabled: boolean;
};

/**
 * Harbor's flattening choices (`dest_namespace_replace_count`): how many leading path components the destination
 * namespace replaces. -1 keeps only the last component (Harbor's legacy mode, its "Flatten all levels").
 */
export const flatteningChoices = [-1, 0, 1, 2, 3] as const;

/** `a/b/c/d/img` under namespace `ns` with `count`: what the destination repository becomes, for the dialog's example. */
export function flattenExample(
	count: number,
	namespace: string,
	repo = "a/b/c/d/img",
): string {
	if (!namespace) return repo;
	const parts = repo.split("/");
	const kept =
		count < 0
			? parts.slice(-1)
			: parts.slice(Math.min(count, parts.length - 1));
	return [namespace, ...kept].join("/");
}

export const emptyRuleForm: RuleForm = {
	name: "",
	description: "",
	mode: "push",
	registryId: null,
	nameFilter: "",
	tagFilter: "",
	tagDecoration: "matches",
	labels: "",
	labelDecoration: "matches",
	resource: "",
	// Harbor's portal starts new rules at "flatten 1 level".
	destNamespace: "",
	replaceCount: 1,
	trigger: "manual",
	cron: "",
	override: true,
	replicateDeletion: false,
	speed: "-1",
	copyByChunk: false,
	enabled: true,
};

/** A registry that is not Wharf itself: Harbor answers the local side as id 0 ("Local"), Wharf may leave it out. */
const remote = (r: ReplicationPolicy["src_registry"]) =>
	r && r.id > 0 ? r : null;

const filterOf = (p: ReplicationPolicy, type: ReplicationFilter["type"]) =>
	p.filters?.find((f) => f.type === type);
const text = (v: unknown) =>
	Array.isArray(v) ? v.join(", ") : typeof v === "string" ? v : "";
const decoration = (f: ReplicationFilter | undefined): Decoration =>
	f?.decoration === "excludes" ? "excludes" : "matches";

/** A saved rule as the dialog shows it. */
export function fromPolicy(p: ReplicationPolicy): RuleForm {
	const src = remote(p.src_registry);
	const tag = filterOf(p, "tag");
	const label = filterOf(p, "label");
	return {
		name: p.name,
		description: p.description ?? "",
		mode: src ? "pull" : "push",
		registryId: src?.id ?? remote(p.dest_registry)?.id ?? null,
		nameFilter: text(filterOf(p, "name")?.value),
		tagFilter: text(tag?.value),
		tagDecoration: decoration(tag),
		labels: text(label?.value),
		labelDecoration: decoration(label),
		resource: text(filterOf(p, "resource")?.value),
		destNamespace: p.dest_namespace ?? "",
		replaceCount: p.dest_namespace_replace_count ?? -1,
		trigger: p.trigger?.type ?? "manual",
		cron: p.trigger?.trigger_settings?.cron ?? "",
		override: p.override,
		replicateDeletion: p.replicate_deletion,
		speed: String(p.speed ?? -1),
		copyByChunk: !!p.copy_by_chunk,
		enabled: p.enabled,
	};
}

/** The i18n key of what is wrong with a field, before anything is sent. */
export type FormProblems = Partial<
	Record<"name" | "registryId" | "cron" | "speed", string>
>;

export function formProblems(f: RuleForm): FormProblems {
	const problems: FormProblems = {};
	if (!f.name.trim()) problems.name = "replication.form.nameRequired";
	if (f.registryId === null)
		problems.registryId =
			f.mode === "push"
				? "replication.form.destinationRequired"
				: "replication.form.sourceRequired";
	// The cron itself is the server's to judge (its 400 is shown as it comes); only a missing one is said here.
	if (f.trigger === "scheduled" && !f.cron.trim())
		problems.cron = "replication.form.cronRequired";
	if (bandwidthKb(f.speed) === null)
		problems.speed = "replication.form.speedInvalid";
	return problems;
}

const labelNames = (s: string) => [
	...new Set(
		s
			.split(",")
			.map((l) => l.trim())
			.filter(Boolean),
	),
];

/** The filters a form holds, empty ones left out, in Harbor's shape. */
export function filtersOf(f: RuleForm): ReplicationFilter[] {
	const filters: ReplicationFilter[] = [];
	if (f.nameFilter.trim())
		filters.push({ type: "name", value: f.nameFilter.trim() });
	if (f.tagFilter.trim())
		filters.push({
			type: "tag",
			value: f.tagFilter.trim(),
			decoration: f.tagDecoration,
		});
	const labels = labelNames(f.labels);
	if (labels.length)
		filters.push({
			type: "label",
			value: labels,
			decoration: f.labelDecoration,
		});
	if (f.resource) filters.push({ type: "resource", value: f.resource });
	return filters;
}

/**
 * The policy the API takes. Only push rules may be event based (a pull has no local event to follow), so a pull rule
 * left on that trigger falls back to manual; the cron goes only with a schedule.
 */
export function toPolicy(f: RuleForm): ReplicationPolicyInput {
	if (f.registryId === null) throw new Error("a rule needs its endpoint");
	const trigger =
		f.mode === "pull" && f.trigger === "event_based" ? "manual" : f.trigger;
	return {
		name: f.name.trim(),
		description: f.description,
		...(f.mode === "push"
			? { dest_registry: { id: f.registryId } }
			: { src_registry: { id: f.registryId } }),
		dest_namespace: f.destNamespace.trim(),
		dest_namespace_replace_count: f.replaceCount,
		filters: filtersOf(f),
		trigger: {
			type: trigger,
			trigger_settings: trigger === "scheduled" ? { cron: f.cron.trim() } : {},
		},
		override: f.override,
		replicate_deletion: f.replicateDeletion,
		enabled: f.enabled,
		speed: bandwidthKb(f.speed) ?? -1,
		copy_by_chunk: f.copyByChunk,
	};
}

/**
 * What Wharf itself can filter its own content on, the source side of a push rule (its `harbor` adapter's info).
 * A pull rule offers what the source endpoint's `/registries/{id}/info` says.
 */
export const localCapabilities: Pick<
	RegistryInfo,
	"supported_resource_filters" | "supported_triggers"
> = {
	supported_resource_filters: [
		{ type: "name", style: "input" },
		{ type: "tag", style: "input" },
		{ type: "label", style: "list" },
		{ type: "resource", style: "radio", values: ["image", "artifact"] },
	],
	supported_triggers: ["manual", "scheduled", "event_based"],
};

/** The filters and triggers the dialog offers for a mode, given the chosen endpoint's info (while it loads: name and tag, manual). */
export function offered(mode: Mode, info: RegistryInfo | undefined) {
	const source = mode === "push" ? localCapabilities : info;
	const filters = source?.supported_resource_filters ?? [
		{ type: "name", style: "input" },
		{ type: "tag", style: "input" },
	];
	const remoteTriggers = info?.supported_triggers ?? ["manual"];
	// A push is limited by what the destination accepts to be triggered by; event based exists only for pushes.
	const triggers = (
		["manual", "scheduled", "event_based"] as TriggerType[]
	).filter(
		(t) =>
			(mode === "push" ? true : t !== "event_based") &&
			(t === "manual" || mode === "push" || remoteTriggers.includes(t)),
	);
	return {
		filterTypes: new Set(filters.map((f) => f.type)),
		resourceValues: filters.find((f) => f.type === "resource")?.values ?? [],
		triggers,
		copyByChunk: info?.supported_copy_by_chunk ?? false,
	};
}
