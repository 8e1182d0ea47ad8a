import { describe, expect, it } from "vitest";
import { artifactKeys } from "./artifacts.ts";
import { auditLogKeys } from "./audit-logs.ts";
import { keepPageOf, sameScope } from "./list-placeholder.ts";
import { robotKeys } from "./robots.ts";

const page = (n: number) => ({ items: [n], total: 1 });

describe("keepPageOf", () => {
	it("keeps the previous page of the same repository while another page, sort or filter loads", () => {
		const next = artifactKeys.list("p", "x", {
			page: 2,
			pageSize: 15,
			sort: "-push_time",
			tag: "v1",
		});
		const prev = {
			queryKey: artifactKeys.list("p", "x", { page: 1, pageSize: 15 }),
		};
		expect(keepPageOf(next, ["tag"])(page(1), prev)).toEqual(page(1));
	});

	it("drops the previous rows when the repository or project changes", () => {
		const prev = {
			queryKey: artifactKeys.list("p", "x", { page: 1, pageSize: 15 }),
		};
		expect(
			keepPageOf(artifactKeys.list("p", "y", { page: 1, pageSize: 15 }), [
				"tag",
			])(page(1), prev),
		).toBeUndefined();
		expect(
			keepPageOf(artifactKeys.list("q", "x", { page: 1, pageSize: 15 }), [
				"tag",
			])(page(1), prev),
		).toBeUndefined();
	});

	it("treats params the list does not name as filters as its scope", () => {
		const system = robotKeys.list({ level: "system", page: 1, pageSize: 15 });
		const ofProject = robotKeys.list({
			level: "project",
			projectId: 3,
			page: 1,
			pageSize: 15,
		});
		expect(sameScope(system, ofProject, ["name"])).toBe(false);
		expect(
			sameScope(
				robotKeys.list({
					level: "project",
					projectId: 4,
					page: 1,
					pageSize: 15,
				}),
				ofProject,
				["name"],
			),
		).toBe(false);
		expect(
			sameScope(
				robotKeys.list({
					level: "project",
					projectId: 3,
					page: 2,
					pageSize: 15,
					name: "ci",
				}),
				ofProject,
				["name"],
			),
		).toBe(true);
		// The audit log of project a is not project b's; its filters are one param.
		const a = auditLogKeys.list({
			project: "a",
			page: 1,
			pageSize: 15,
			filters: {},
		});
		expect(
			sameScope(
				auditLogKeys.list({ project: "b", page: 1, pageSize: 15, filters: {} }),
				a,
				["filters"],
			),
		).toBe(false);
		expect(
			sameScope(
				auditLogKeys.list({
					project: "a",
					page: 1,
					pageSize: 15,
					filters: { username: "x" },
				}),
				a,
				["filters"],
			),
		).toBe(true);
	});

	it("has nothing to keep on the first load", () => {
		expect(
			keepPageOf(artifactKeys.list("p", "x", { page: 1, pageSize: 15 }))(
				undefined,
				undefined,
			),
		).toBeUndefined();
	});
});
