import { describe, expect, it } from "vitest";
import { duration, successRate } from "./execution-figures.ts";

describe("execution figures", () => {
	it("reads a duration in seconds, minutes or hours, and up to now while running", () => {
		expect(duration("2026-01-01T00:00:00Z", "2026-01-01T00:00:45Z")).toBe(
			"45s",
		);
		expect(duration("2026-01-01T00:00:00Z", "2026-01-01T00:03:05Z")).toBe(
			"3m 05s",
		);
		expect(duration("2026-01-01T00:00:00Z", "2026-01-01T02:01:30Z")).toBe(
			"2h 01m",
		);
		expect(
			duration(
				"2026-01-01T00:00:00Z",
				null,
				Date.parse("2026-01-01T00:00:09Z"),
			),
		).toBe("9s");
		// Go's zero time, as Harbor answers an end not reached yet.
		expect(
			duration(
				"2026-01-01T00:00:00Z",
				"0001-01-01T00:00:00Z",
				Date.parse("2026-01-01T00:01:00Z"),
			),
		).toBe("1m 00s");
		expect(duration(null, null)).toBeNull();
	});

	it("rounds the success rate down, so 99.9% never reads as all done", () => {
		expect(successRate({ total: 4, succeed: 3 })).toBe(75);
		expect(successRate({ total: 1000, succeed: 999 })).toBe(99);
		expect(successRate({ total: 0, succeed: 0 })).toBeNull();
	});
});
