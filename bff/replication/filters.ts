import picomatch from "picomatch";

/**
 * A replication policy's filters as Harbor stores them (`src/pkg/reg/filter`): name and tag are doublestar globs
 * (`library/**`, `v1.*`, `{a,b}`), label a list of label names, resource `image` | `artifact` (Harbor's `chart` too).
 */
export type ReplicationFilter = {
	type: "name" | "tag" | "label" | "resource";
	value: unknown;
	decoration?: "matches" | "excludes";
};

export type FilterItem = {
	repository: string;
	tags: string[];
	labels: string[];
	artifactType: "image" | "artifact" | string;
};

// doublestar has no negation (`!x`) and no extglobs (`+(a)`); an unclosed `[` is a bad pattern there, so here too.
const globOptions: picomatch.PicomatchOptions = {
	dot: true,
	nonegate: true,
	noextglob: true,
	strictBrackets: true,
};
const compiled = new Map<string, (s: string) => boolean>();

function glob(pattern: string): (s: string) => boolean {
	let m = compiled.get(pattern);
	if (!m) {
		const test = picomatch(pattern, globOptions);
		// doublestar lets `*` and `**` match the empty string (an untagged artifact against a tag filter); picomatch does not.
		m = /^\*+$/.test(pattern) ? () => true : (s: string) => test(s);
		if (compiled.size > 1000) compiled.clear();
		compiled.set(pattern, m);
	}
	return m;
}

/** A doublestar glob as a test of names (the same rules as the name and tag filters). */
export const nameMatcher = (pattern: string) => glob(pattern);

/** Throws when `pattern` is no doublestar glob (an unclosed `[`…), saying why. */
export function checkGlob(pattern: string): void {
	picomatch.makeRe(pattern, globOptions);
}

/** The pattern's text when it is no glob at all (it names exactly one thing), else null. */
export function literalOf(pattern: string): string | null {
	return pattern &&
		!pattern.includes("\\") &&
		!picomatch.scan(pattern, globOptions).isGlob
		? pattern
		: null;
}

const resourceTypes = ["image", "artifact", "chart"];

/** Validates a policy's filters from the API body; throws an Error saying which filter is wrong and why. */
export function checkFilters(f: unknown): ReplicationFilter[] {
	if (f === undefined || f === null) return [];
	if (!Array.isArray(f)) throw new Error("filters must be a list");
	return f.map((raw, i) => {
		const at = `filter ${i + 1}`;
		if (!raw || typeof raw !== "object")
			throw new Error(`${at} must be an object with a type and a value`);
		const { type, value, decoration } = raw as Record<string, unknown>;
		if (
			decoration !== undefined &&
			decoration !== null &&
			decoration !== "" &&
			decoration !== "matches" &&
			decoration !== "excludes"
		) {
			throw new Error(
				`${at}: decoration must be "matches" or "excludes", not ${JSON.stringify(decoration)}`,
			);
		}
		const deco =
			decoration === "excludes"
				? { decoration: "excludes" as const }
				: decoration === "matches"
					? { decoration: "matches" as const }
					: {};
		switch (type) {
			case "name":
			case "tag": {
				if (typeof value !== "string")
					throw new Error(
						`${at}: a ${type} filter's value must be a glob pattern (a string)`,
					);
				try {
					checkGlob(value);
				} catch (e) {
					throw new Error(
						`${at}: ${JSON.stringify(value)} is not a valid ${type} pattern: ${(e as Error).message}`,
					);
				}
				return { type, value, ...deco };
			}
			case "label": {
				if (
					!Array.isArray(value) ||
					value.some((v) => typeof v !== "string" || v === "")
				)
					throw new Error(
						`${at}: a label filter's value must be a list of label names`,
					);
				return { type, value: [...value] as string[], ...deco };
			}
			case "resource": {
				if (
					typeof value !== "string" ||
					!resourceTypes.includes(value.toLowerCase())
				) {
					throw new Error(
						`${at}: a resource filter's value must be one of ${resourceTypes.join(", ")}, not ${JSON.stringify(value)}`,
					);
				}
				return { type, value: value.toLowerCase(), ...deco };
			}
			default:
				throw new Error(
					`${at}: unknown filter type ${JSON.stringify(type)} (name, tag, label or resource)`,
				);
		}
	});
}

/**
 * Whether a policy's filters select an artifact, and which of its tags to replicate (all filters must pass; a tag
 * filter keeps only the tags it selects and drops a tagged artifact none of whose tags it selects). As Harbor: an
 * untagged artifact passes a tag filter when the pattern matches the empty string (`*`, `**`), inverted for
 * `excludes`; a label filter needs every label listed; a `resource` of `artifact` (or `chart`) selects everything.
 */
export function matchesFilters(
	item: FilterItem,
	filters: ReplicationFilter[],
): { match: boolean; tags: string[] } {
	const no = { match: false, tags: [] };
	let tags = item.tags;
	for (const f of filters) {
		const excludes = f.decoration === "excludes";
		switch (f.type) {
			case "name": {
				const pattern = String(f.value ?? "");
				if (pattern && glob(pattern)(item.repository) === excludes) return no;
				break;
			}
			case "tag": {
				const pattern = String(f.value ?? "");
				if (!pattern) break;
				const test = glob(pattern);
				if (tags.length === 0) {
					if (test("") === excludes) return no;
					break;
				}
				tags = tags.filter((t) => test(t) !== excludes);
				if (tags.length === 0) return no;
				break;
			}
			case "label": {
				const wanted = (f.value as string[] | undefined) ?? [];
				if (
					wanted.length &&
					wanted.every((l) => item.labels.includes(l)) === excludes
				)
					return no;
				break;
			}
			case "resource": {
				const type = String(f.value ?? "").toLowerCase();
				if (type === "image" && item.artifactType.toLowerCase() !== "image")
					return no;
				break;
			}
		}
	}
	return { match: true, tags };
}

/**
 * Where a source repository lands under a policy's `dest_namespace` and `dest_namespace_replace_count` (Harbor's
 * flattening): -1 puts the last path component under the namespace (Harbor's legacy rule), 0 keeps the whole path
 * under it, N replaces the first N components with it (N equal to the number of components: the namespace itself).
 */
export function destinationRepo(
	srcRepo: string,
	destNamespace: string,
	replaceCount: number,
): string {
	const repo = srcRepo.replace(/^\/+|\/+$/g, "");
	const ns = destNamespace.replace(/^\/+|\/+$/g, "");
	if (!ns) return repo;
	const parts = repo.split("/");
	if (replaceCount < 0) return `${ns}/${parts[parts.length - 1]}`;
	if (replaceCount > parts.length) {
		throw new Error(
			`the repository ${repo} has only ${parts.length} path components, fewer than the destination namespace replace count ${replaceCount}`,
		);
	}
	return replaceCount === parts.length
		? ns
		: [ns, ...parts.slice(replaceCount)].join("/");
}
