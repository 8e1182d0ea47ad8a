import type { ImmutableTest } from "../../core/access.ts";
import type { Db } from "../../db/database.ts";
import { type RuleSelectors, ruleTest, type TagTest } from "./rules.ts";
import { createImmutableRuleStore, type ImmutableRuleRow } from "./store.ts";

/** How long another replica's rule change may take to reach this one's pushes; this process's own are seen at once. */
const ttlMs = 5_000;

export const selectorsOfRow = (
	r: Pick<ImmutableRuleRow, "tag_selectors" | "scope_selectors">,
): RuleSelectors => ({
	tag: (JSON.parse(r.tag_selectors) as RuleSelectors["tag"][])[0],
	repository: (
		JSON.parse(r.scope_selectors) as {
			repository: RuleSelectors["repository"][];
		}
	).repository[0],
});

/**
 * The projects' enabled rules as one test each, kept briefly so a push pays one lookup at most (none while cached);
 * the rules' service drops a project's entry when its rules change. Harbor matches the repository without its project.
 */
export function createImmutableTags(db: Db) {
	const store = createImmutableRuleStore(db);
	// A pending load is shared by the pushes that wait for it; a change drops the entry, so the next push loads afresh.
	const cache = new Map<
		number,
		{ at: number; test: Promise<TagTest | null> }
	>();
	const load = async (projectId: number): Promise<TagTest | null> => {
		const tests = (await store.all(projectId))
			.filter((r) => !r.disabled)
			.map((r) => ruleTest(selectorsOfRow(r)));
		return tests.length
			? (repository, tag) => tests.some((t) => t(repository, tag))
			: null;
	};
	return {
		async of(projectId: number): Promise<ImmutableTest | null> {
			let entry = cache.get(projectId);
			if (!entry || Date.now() - entry.at > ttlMs) {
				if (cache.size >= 10_000) cache.clear();
				entry = { at: Date.now(), test: load(projectId) };
				cache.set(projectId, entry);
				const mine = entry;
				mine.test.catch(() => {
					if (cache.get(projectId) === mine) cache.delete(projectId);
				});
			}
			const test = await entry.test;
			return (
				test &&
				((repository, tag) =>
					test(repository.slice(repository.indexOf("/") + 1), tag))
			);
		},
		invalidate(projectId: number) {
			cache.delete(projectId);
		},
	};
}

export type ImmutableTags = ReturnType<typeof createImmutableTags>;
