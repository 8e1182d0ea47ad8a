import { describe, expect, it } from "vitest";
import { bannerShowsNow, parseBanner, serializeBanner } from "./system-info.ts";

describe("parseBanner", () => {
	it("reads Harbor's banner from its string", () => {
		expect(
			parseBanner(
				JSON.stringify({
					message: "Maintenance at 9",
					type: "warning",
					closable: true,
					fromDate: "2024-01-01",
					toDate: "2024-01-02",
				}),
			),
		).toEqual({
			message: "Maintenance at 9",
			type: "warning",
			closable: true,
			fromDate: "2024-01-01",
			toDate: "2024-01-02",
			extra: {},
		});
	});

	it("treats a missing closable as false, as Harbor does", () => {
		expect(parseBanner(JSON.stringify({ message: "hi" }))).toMatchObject({
			closable: false,
			type: "info",
		});
		expect(
			parseBanner(JSON.stringify({ message: "hi", closable: "true" }))
				?.closable,
		).toBe(false);
	});

	it("gives null for nothing, for text that is not JSON and for JSON that is not an object", () => {
		for (const raw of [
			undefined,
			null,
			"",
			"  ",
			"plain words",
			"[1]",
			'"x"',
			"42",
		])
			expect(parseBanner(raw)).toBeNull();
	});

	it("keeps fields it does not know, so an edit writes them back", () => {
		const b = parseBanner(
			JSON.stringify({
				message: "a",
				type: "info",
				closable: false,
				audience: "all",
			}),
		)!;
		expect(JSON.parse(serializeBanner({ ...b, message: "b" }))).toEqual({
			message: "b",
			type: "info",
			closable: false,
			audience: "all",
		});
	});

	it("stores an empty message as no banner", () => {
		expect(
			serializeBanner({
				message: " ",
				type: "info",
				closable: true,
				extra: {},
			}),
		).toBe("");
	});
});

describe("bannerShowsNow", () => {
	const at = (d: string) => Date.parse(d);
	const b = parseBanner(
		JSON.stringify({
			message: "m",
			fromDate: "2024-03-01",
			toDate: "2024-03-10",
		}),
	)!;

	it("shows within its dates, the last day whole, and not outside them", () => {
		expect(bannerShowsNow(b, at("2024-02-28T12:00:00Z"))).toBe(false);
		expect(bannerShowsNow(b, at("2024-03-05T12:00:00Z"))).toBe(true);
		expect(bannerShowsNow(b, at("2024-03-10T20:00:00Z"))).toBe(true);
		expect(bannerShowsNow(b, at("2024-03-12T00:00:00Z"))).toBe(false);
	});

	it("shows always without dates, and never with an empty message", () => {
		expect(bannerShowsNow(parseBanner('{"message":"m"}')!)).toBe(true);
		expect(bannerShowsNow(parseBanner('{"message":""}')!)).toBe(false);
	});
});
