import { describe, expect, it } from "vitest";
import {
	isRunning,
	liveInterval,
	startsByItself,
	whileAnyRunning,
} from "./replication.ts";

describe("replication lists refresh while work runs", () => {
	it("counts pending and in-progress work as running, finished work as not", () => {
		for (const s of ["InProgress", "Pending"])
			expect(isRunning(s), s).toBe(true);
		for (const s of ["Succeed", "Failed", "Stopped"])
			expect(isRunning(s), s).toBe(false);
	});

	it("refreshes a list every few seconds while any item runs, and stops once none does", () => {
		expect(
			whileAnyRunning([{ status: "Succeed" }, { status: "InProgress" }]),
		).toBe(liveInterval);
		expect(whileAnyRunning([{ status: "Succeed" }, { status: "Failed" }])).toBe(
			false,
		);
		expect(whileAnyRunning([])).toBe(false);
		expect(whileAnyRunning(undefined)).toBe(false);
	});

	it("watches for new runs of an enabled rule with a schedule or an event trigger, not of a manual or disabled one", () => {
		expect(
			startsByItself({ enabled: true, trigger: { type: "event_based" } }),
		).toBe(true);
		expect(
			startsByItself({
				enabled: true,
				trigger: {
					type: "scheduled",
					trigger_settings: { cron: "0 0 3 * * *" },
				},
			}),
		).toBe(true);
		expect(startsByItself({ enabled: true, trigger: { type: "manual" } })).toBe(
			false,
		);
		expect(startsByItself({ enabled: true, trigger: null })).toBe(false);
		expect(
			startsByItself({ enabled: false, trigger: { type: "scheduled" } }),
		).toBe(false);
	});
});
