import { type Rule, tagTest } from "./rules.ts";

/** An artifact of one repository as retention sees it: a top-level artifact with its tags and times (ms). */
export type Candidate = {
	digest: string;
	type: string;
	tags: string[];
	pushTime: number;
	/** Null when never pulled. */
	pullTime: number | null;
};

export type Verdict = { candidate: Candidate; retain: boolean; why: string };

const dayMs = 24 * 3600_000;

/** "rule 2 (latestPushedK 3)": how a verdict names the rule behind it. */
export const ruleLabel = (r: Rule, index: number) =>
	`rule ${index + 1} (${r.template}${r.template === "always" ? "" : ` ${r.n}`})`;

const byNewest =
	(time: (c: Candidate) => number) => (a: Candidate, b: Candidate) =>
		time(b) - time(a) || (a.digest < b.digest ? -1 : 1);

/** The candidates a rule's template keeps among those its tag selector picked. */
function retainedBy(rule: Rule, picked: Candidate[], now: number): Candidate[] {
	switch (rule.template) {
		case "always":
			return picked;
		case "latestPushedK":
			return [...picked].sort(byNewest((c) => c.pushTime)).slice(0, rule.n);
		case "latestPulledN":
			// Never pulled sorts last: those are the least recently pulled.
			return [...picked]
				.filter((c) => c.pullTime !== null)
				.sort(byNewest((c) => c.pullTime!))
				.slice(0, rule.n);
		case "nDaysSinceLastPush":
			return picked.filter((c) => c.pushTime >= now - rule.n * dayMs);
		case "nDaysSinceLastPull":
			// An artifact never pulled counts from its push: a rule "not pulled for 7 days" spares what was pushed yesterday.
			return picked.filter(
				(c) => (c.pullTime ?? c.pushTime) >= now - rule.n * dayMs,
			);
	}
}

/**
 * Harbor's `or` algorithm for one repository: an artifact is kept when any enabled rule whose scope takes the
 * repository retains it, else deleted. `rules` are those whose repository selector took this repository (with their
 * place in the policy, for the reason); `immutable` names an artifact's tag that no deletion may take, which keeps it.
 */
export function evaluate(
	candidates: Candidate[],
	rules: { rule: Rule; index: number }[],
	now: number,
	immutable: (tag: string) => boolean,
): Verdict[] {
	const why = new Map<Candidate, string>();
	for (const { rule, index } of rules) {
		if (rule.disabled) continue;
		const picks = tagTest(rule.tag);
		for (const c of retainedBy(
			rule,
			candidates.filter((c) => picks(c.tags)),
			now,
		)) {
			if (!why.has(c)) why.set(c, `retained by ${ruleLabel(rule, index)}`);
		}
	}
	return candidates.map((c) => {
		const reason = why.get(c);
		if (reason) return { candidate: c, retain: true, why: reason };
		const fixed = c.tags.find(immutable);
		if (fixed)
			return { candidate: c, retain: true, why: `immutable tag ${fixed}` };
		return { candidate: c, retain: false, why: "retained by no rule" };
	});
}
