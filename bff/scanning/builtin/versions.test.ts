import { describe, expect, it } from "vitest";
import { affects } from "./osv-match.ts";
import {
	compareAlpine,
	compareDebian,
	compareMaven,
	comparePep440,
	compareRubyGems,
	compareSemver,
	type VersionOrder,
} from "./versions.ts";

/** Each list is strictly ascending: every pair is checked both ways, and each version equals itself. */
function ascending(cmp: VersionOrder, list: string[]) {
	for (let i = 0; i < list.length; i++) {
		expect(cmp(list[i], list[i]), list[i]).toBe(0);
		for (let j = i + 1; j < list.length; j++) {
			expect(cmp(list[i], list[j]), `${list[i]} < ${list[j]}`).toBe(-1);
			expect(cmp(list[j], list[i]), `${list[j]} > ${list[i]}`).toBe(1);
		}
	}
}

describe("version orderings", () => {
	it("Debian: epoch, upstream, revision; ~ before everything, letters before other characters", () => {
		ascending(compareDebian, [
			"0.9",
			"1.0~~",
			"1.0~~a",
			"1.0~",
			"1.0~rc1",
			"1.0",
			"1.0-1",
			"1.0-1+b1",
			"1.0-1.1",
			"1.0a",
			"1.0+dfsg",
			"1.0.1",
			"1.10",
			"1:0.1",
		]);
		expect(
			compareDebian("1:1.2.11.dfsg-2+deb11u1", "1:1.2.11.dfsg-2+deb11u2"),
		).toBe(-1);
		expect(compareDebian("1:1.2.13.dfsg-1", "1:1.2.11.dfsg-2+deb11u2")).toBe(1);
		expect(compareDebian("1.01", "1.1")).toBe(0); // leading zeros do not count
		expect(compareDebian("0:1.0", "1.0")).toBe(0);
		expect(compareDebian("1.0", "1.0-0")).toBe(0); // no revision reads as 0, as dpkg's
	});

	it("Alpine: numbers, letter, suffixes around the release, then -rN", () => {
		ascending(compareAlpine, [
			"1.2",
			"1.2.3_alpha",
			"1.2.3_alpha2",
			"1.2.3_beta",
			"1.2.3_pre1",
			"1.2.3_rc1",
			"1.2.3",
			"1.2.3-r1",
			"1.2.3-r10",
			"1.2.3_p1",
			"1.2.3a",
			"1.2.4",
			"1.10",
		]);
		expect(compareAlpine("3.0.8-r0", "3.0.8-r1")).toBe(-1);
		expect(compareAlpine("3.0.8-r1", "3.0.8")).toBe(1);
		expect(compareAlpine("1.02", "1.1")).toBe(-1); // 0.02 < 0.1, as apk reads a leading zero
	});

	it("PyPI: PEP 440 (dev < pre < release < post, epochs, release padding)", () => {
		ascending(comparePep440, [
			"1.0.dev1",
			"1.0a1",
			"1.0b2",
			"1.0rc1",
			"1.0",
			"1.0.post1",
			"1.1",
			"2.30.0",
			"2.31.0rc1",
			"2.31.0",
			"1!0.1",
		]);
		expect(comparePep440("2.30", "2.30.0")).toBe(0);
	});

	it("SemVer (npm, crates.io, Go): pre-releases before the release, a leading v ignored", () => {
		ascending(compareSemver, [
			"0.2.3",
			"0.2.4",
			"1.0.0-alpha",
			"1.0.0-beta.2",
			"1.0.0-beta.11",
			"1.0.0",
			"1.2.5",
			"1.2.6",
			"4.17.20",
			"4.17.21",
		]);
		expect(compareSemver("v1.2.3", "1.2.3")).toBe(0);
	});

	it("RubyGems and Maven: pre-releases first, trailing zeros equal", () => {
		ascending(compareRubyGems, [
			"1.0.a",
			"1.0.b1",
			"1.0",
			"1.0.1",
			"1.13.10",
			"2",
		]);
		expect(compareRubyGems("1.0", "1.0.0")).toBe(0);
		ascending(compareMaven, [
			"1.0-alpha-1",
			"1.0-beta",
			"1.0-rc1",
			"1.0-SNAPSHOT",
			"1.0",
			"1.0-sp1",
			"1.0.1",
			"2.17.1",
		]);
		expect(compareMaven("1.0", "1.0.0.Final")).toBe(0);
	});
});

describe("OSV ranges", () => {
	const lodash = {
		ranges: [
			{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "4.17.21" }] },
		],
		versions: [],
	};
	it("introduced 0 … fixed: below the fix affected, at it not", () => {
		expect(affects("npm", lodash, "4.17.20")).toEqual({
			affected: true,
			fixed: "4.17.21",
		});
		expect(affects("npm", lodash, "0.1.0")).toEqual({
			affected: true,
			fixed: "4.17.21",
		});
		expect(affects("npm", lodash, "4.17.21")).toEqual({ affected: false });
		expect(affects("npm", lodash, "5.0.0")).toEqual({ affected: false });
	});

	it("several introductions in one range: the fix of the matching one", () => {
		const minimist = {
			ranges: [
				{
					type: "ECOSYSTEM",
					events: [
						{ introduced: "1.0.0" },
						{ fixed: "1.2.6" },
						{ introduced: "0" },
						{ fixed: "0.2.4" },
					],
				},
			],
			versions: [],
		};
		expect(affects("npm", minimist, "0.2.3")).toEqual({
			affected: true,
			fixed: "0.2.4",
		});
		expect(affects("npm", minimist, "0.2.4")).toEqual({ affected: false });
		expect(affects("npm", minimist, "0.9.9")).toEqual({ affected: false });
		expect(affects("npm", minimist, "1.0.0")).toEqual({
			affected: true,
			fixed: "1.2.6",
		});
		expect(affects("npm", minimist, "1.2.5")).toEqual({
			affected: true,
			fixed: "1.2.6",
		});
		expect(affects("npm", minimist, "1.2.6")).toEqual({ affected: false });
	});

	it("last_affected includes its version and names no fix; versions lists match exactly; GIT ranges never match", () => {
		const a = {
			ranges: [
				{
					type: "ECOSYSTEM",
					events: [{ introduced: "2.3.0" }, { last_affected: "2.5" }],
				},
				{ type: "GIT", events: [{ introduced: "0" }, { fixed: "abc123" }] },
			],
			versions: ["1.0.post1"],
		};
		expect(affects("PyPI", a, "2.2.9")).toEqual({ affected: false });
		expect(affects("PyPI", a, "2.3.0")).toEqual({ affected: true });
		expect(affects("PyPI", a, "2.5.0")).toEqual({ affected: true }); // 2.5 == 2.5.0 under PEP 440
		expect(affects("PyPI", a, "2.5.1")).toEqual({ affected: false });
		expect(affects("PyPI", a, "1.0.post1")).toEqual({ affected: true });
		expect(affects("PyPI", a, "1.0")).toEqual({ affected: false });
	});

	it("ECOSYSTEM ranges order by the ecosystem: Debian's epoch and tilde, Alpine's revision", () => {
		const zlib = {
			ranges: [
				{
					type: "ECOSYSTEM",
					events: [{ introduced: "0" }, { fixed: "1:1.2.11.dfsg-2+deb11u2" }],
				},
			],
			versions: [],
		};
		expect(affects("Debian:11", zlib, "1:1.2.11.dfsg-2+deb11u1")).toEqual({
			affected: true,
			fixed: "1:1.2.11.dfsg-2+deb11u2",
		});
		expect(affects("Debian:11", zlib, "1:1.2.11.dfsg-2+deb11u2")).toEqual({
			affected: false,
		});
		expect(affects("Debian:11", zlib, "1.2.13")).toEqual({
			affected: true,
			fixed: "1:1.2.11.dfsg-2+deb11u2",
		}); // no epoch: older
		const openssl = {
			ranges: [
				{
					type: "ECOSYSTEM",
					events: [{ introduced: "0" }, { fixed: "3.0.8-r1" }],
				},
			],
			versions: [],
		};
		expect(affects("Alpine:v3.17", openssl, "3.0.8-r0")).toEqual({
			affected: true,
			fixed: "3.0.8-r1",
		});
		expect(affects("Alpine:v3.17", openssl, "3.0.8-r1")).toEqual({
			affected: false,
		});
	});
});
