import { describe, expect, it } from "vitest";
import {
	blankRule,
	cronOfSchedule,
	inputOfRule,
	retentionIdOf,
	retentionRuleInput,
	ruleOfInput,
	scheduleTypeOf,
} from "./retention.ts";

describe("retention rules in the console", () => {
	it("sends a rule as Harbor's portal does, and reads it back into the same fields", () => {
		const input = {
			...blankRule,
			n: "3",
			repoKind: "regex" as const,
			repoPattern: "(api|web)",
			tagDecoration: "excludes" as const,
			tagPattern: "dev-*",
			untagged: false,
		};
		const rule = ruleOfInput(input);
		expect(rule).toEqual({
			disabled: false,
			priority: 0,
			action: "retain",
			template: "latestPushedK",
			params: { latestPushedK: 3 },
			tag_selectors: [
				{
					kind: "doublestar",
					decoration: "excludes",
					pattern: "dev-*",
					extras: '{"untagged":false}',
				},
			],
			scope_selectors: {
				repository: [
					{ kind: "regex", decoration: "repoMatches", pattern: "(api|web)" },
				],
			},
		});
		expect(inputOfRule({ ...rule, id: 1 })).toEqual(input);
		expect(ruleOfInput({ ...input, template: "always", n: "" }).params).toEqual(
			{},
		);
		expect(ruleOfInput(input, { disabled: true, priority: 2 })).toMatchObject({
			disabled: true,
			priority: 2,
		});
	});

	it('asks for a whole number unless the template is "always", and for both patterns', () => {
		const issues = (i: object) => {
			const r = retentionRuleInput.safeParse({ ...blankRule, ...i });
			return r.success ? [] : r.error.issues.map((x) => x.path[0]);
		};
		expect(issues({ n: "" })).toEqual(["n"]);
		expect(issues({ n: "2.5" })).toEqual(["n"]);
		expect(issues({ n: "-1" })).toEqual(["n"]);
		expect(issues({ n: "", template: "always" })).toEqual([]);
		expect(issues({ n: "0", tagPattern: " ", repoPattern: "" })).toEqual([
			"repoPattern",
			"tagPattern",
		]);
	});

	it("reads a schedule's preset from its cron and back; any other cron is Custom", () => {
		expect(scheduleTypeOf("")).toBe("None");
		expect(scheduleTypeOf("0 0 0 * * *")).toBe("Daily");
		expect(scheduleTypeOf(" 0 0  * * * * ")).toBe("Hourly");
		expect(scheduleTypeOf("0 0 0 * * 0")).toBe("Weekly");
		expect(scheduleTypeOf("0 30 2 * * *")).toBe("Custom");
		expect(cronOfSchedule("Weekly", "ignored")).toBe("0 0 0 * * 0");
		expect(cronOfSchedule("Custom", " 0 30 2 * * * ")).toBe("0 30 2 * * *");
		expect(cronOfSchedule("None", "0 30 2 * * *")).toBe("");
	});

	it("finds the project's policy in its metadata", () => {
		expect(retentionIdOf({ retention_id: "7" })).toBe(7);
		expect(retentionIdOf({ retention_id: "" })).toBeUndefined();
		expect(retentionIdOf({})).toBeUndefined();
		expect(retentionIdOf(undefined)).toBeUndefined();
	});
});
