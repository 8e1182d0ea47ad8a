import { describe, expect, it } from "vitest";
import { formatStorage } from "./storage-size.ts";

describe("formatStorage", () => {
	it("writes bytes with four significant digits and a binary unit, as Harbor", () => {
		expect(formatStorage(0)).toBe("0B");
		expect(formatStorage(600)).toBe("600B");
		expect(formatStorage(1024)).toBe("1KiB");
		expect(formatStorage(1536)).toBe("1.5KiB");
		expect(formatStorage(1_100_000)).toBe("1.049MiB");
		expect(formatStorage(10 * 1024 ** 3)).toBe("10GiB");
	});
});
