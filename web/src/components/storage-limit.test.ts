import { describe, expect, it } from "vitest";
import { storageDraftBytes, toStorageDraft } from "./storage-limit.ts";

const GiB = 1024 ** 3;

describe("storage limits", () => {
	it("take what the server takes: unlimited (-1) or a whole number of bytes, 0 included", () => {
		expect(
			storageDraftBytes({ unlimited: true, amount: "x", unit: "GiB" }),
		).toBe(-1);
		expect(
			storageDraftBytes({ unlimited: false, amount: "0", unit: "GiB" }),
		).toBe(0);
		expect(
			storageDraftBytes({ unlimited: false, amount: " 2 ", unit: "GiB" }),
		).toBe(2 * GiB);
		expect(
			storageDraftBytes({ unlimited: false, amount: "1.5", unit: "MiB" }),
		).toBe(1.5 * 1024 ** 2);
		expect(
			storageDraftBytes({ unlimited: false, amount: "0.0000001", unit: "MiB" }),
		).toBe(0);
	});

	it("refuse an amount that is missing, negative or not a number", () => {
		for (const amount of ["", "  ", "-1", "-0.5", "abc", "Infinity"]) {
			expect(
				storageDraftBytes({ unlimited: false, amount, unit: "GiB" }),
				amount,
			).toBeNull();
		}
	});

	it("show a limit in the largest unit that holds it whole, and read back the same bytes", () => {
		expect(toStorageDraft(-1)).toEqual({
			unlimited: true,
			amount: "",
			unit: "GiB",
		});
		expect(toStorageDraft(0)).toEqual({
			unlimited: false,
			amount: "0",
			unit: "MiB",
		});
		expect(toStorageDraft(GiB)).toEqual({
			unlimited: false,
			amount: "1",
			unit: "GiB",
		});
		expect(toStorageDraft(1536 * 1024 ** 2)).toEqual({
			unlimited: false,
			amount: "1536",
			unit: "MiB",
		});
		for (const bytes of [0, 1024 ** 2, 3 * GiB, 5 * 1024 ** 4])
			expect(storageDraftBytes(toStorageDraft(bytes))).toBe(bytes);
	});
});
