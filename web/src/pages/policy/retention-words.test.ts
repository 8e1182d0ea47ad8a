import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { blankRule, ruleOfInput } from "../../api/retention.ts";
import en from "../../i18n/en/retention.json";
import zh from "../../i18n/zh-CN/retention.json";
import { ruleWords, whyWords } from "./retention-words.ts";

const i18n = i18next.createInstance();
await i18n.init({
	resources: { en: { translation: en }, "zh-CN": { translation: zh } },
	lng: "en",
	keySeparator: false,
	interpolation: { escapeValue: false },
});
const t = i18n.getFixedT("en");

describe("retention in plain words", () => {
	it("says a rule as Harbor's portal lists it", () => {
		expect(ruleWords(t, ruleOfInput({ ...blankRule, n: "3" }))).toBe(
			"For the repositories matching **, retain the most recently pushed 3 artifacts with tags matching **, untagged included",
		);
		expect(
			ruleWords(
				t,
				ruleOfInput({
					...blankRule,
					template: "nDaysSinceLastPull",
					n: "1",
					repoKind: "regex",
					repoDecoration: "repoExcludes",
					repoPattern: "tmp-.*",
					tagDecoration: "excludes",
					tagPattern: "dev-*",
					untagged: false,
				}),
			),
		).toBe(
			"For the repositories not matching the regular expression tmp-.*, retain the artifacts pulled within the last 1 day with tags excluding dev-*, untagged not included",
		);
		expect(
			ruleWords(
				i18n.getFixedT("zh-CN"),
				ruleOfInput({ ...blankRule, template: "always" }),
			),
		).toBe("对于匹配 ** 的仓库，始终保留，Tag 匹配 **，包括无 Tag 的制品");
	});

	it("says why an artifact was kept or deleted, and shows a reason it does not know as the server said it", () => {
		expect(whyWords(t, "retained by rule 2 (latestPushedK 3)")).toBe(
			"rule 2: retain the most recently pushed 3 artifacts",
		);
		expect(whyWords(t, "retained by rule 1 (always)")).toBe(
			"rule 1: retain always",
		);
		expect(whyWords(t, "retained by no rule")).toBe("retained by no rule");
		expect(whyWords(t, "immutable tag v1.0")).toBe("immutable tag v1.0");
		expect(
			whyWords(i18n.getFixedT("zh-CN"), "deletion failed: storage is down"),
		).toBe("删除失败：storage is down");
		expect(whyWords(t, "something new")).toBe("something new");
	});
});
