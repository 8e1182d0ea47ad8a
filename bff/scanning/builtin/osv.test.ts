import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engines, withDatabase } from "../../test/harness.ts";
import { osvFixtures, writeOsvZip } from "../../test/osv-fixtures.ts";
import { alpineLayers, debianAppLayers } from "../../test/scanner-images.ts";
import { cvss3BaseScore } from "./cvss.ts";
import { inventory, wantedPath } from "./inventory.ts";
import { createLayerWalker } from "./layers.ts";
import { findVulnerabilities } from "./match.ts";
import { importZipFile, OsvImportError } from "./osv-import.ts";
import { createOsvStore } from "./osv-store.ts";

async function packagesOf(layers: Buffer[]) {
	const w = createLayerWalker(wantedPath);
	for (const l of layers) await w.addLayer(Readable.from([l]));
	return inventory(w.files()).packages;
}

const brief = (v: {
	id: string;
	package: string;
	version: string;
	fix_version: string;
	severity: string;
}) =>
	`${v.id} ${v.package} ${v.version} → ${v.fix_version || "-"} ${v.severity}`;

describe("CVSS 3 base scores", () => {
	it("match the calculator's", () => {
		expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H")).toBe(
			7.2,
		);
		expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBe(
			9.8,
		);
		expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N")).toBe(
			6.1,
		);
		expect(cvss3BaseScore("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")).toBe(
			6.1,
		);
		expect(cvss3BaseScore("CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")).toBe(
			0,
		);
		expect(cvss3BaseScore("AV:N/AC:L/Au:N/C:P/I:P/A:P")).toBeUndefined();
	});
});

describe.each(engines)("the OSV database on %s", (engine) => {
	let dir: string;
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), "osv-"));
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it("imports a zip incrementally by `modified`, and matches images' packages with each ecosystem's ordering", async () => {
		await withDatabase(engine, async (db) => {
			const store = createOsvStore(db);
			const fixtures = await osvFixtures();
			const zip = await writeOsvZip(
				path.join(dir, `${engine}-1.zip`),
				fixtures.values(),
			);
			expect(await importZipFile(store, zip, "all.zip")).toMatchObject({
				read: 6,
				changed: 6,
			});
			expect(await importZipFile(store, zip, "all.zip")).toMatchObject({
				read: 6,
				changed: 0,
			});

			// A newer lodash advisory replaces the old one (its affected rows too); an older one is ignored.
			const lodash = structuredClone(fixtures.get("GHSA-35jh-r3h4-6jhm")!);
			lodash.modified = "2025-01-01T00:00:00Z";
			(
				lodash.affected as { ranges: { events: unknown[] }[] }[]
			)[0].ranges[0].events = [{ introduced: "0" }, { fixed: "4.17.22" }];
			const minimist = {
				...fixtures.get("GHSA-xvch-5gv4-984h")!,
				modified: "2020-01-01T00:00:00Z",
				withdrawn: "2020-01-01T00:00:00Z",
			};
			const zip2 = await writeOsvZip(path.join(dir, `${engine}-2.zip`), [
				lodash,
				minimist,
			]);
			expect(await importZipFile(store, zip2, "update.zip")).toMatchObject({
				read: 2,
				changed: 1,
			});
			expect(
				await db
					.selectFrom("osv_affected")
					.select("ranges")
					.where("advisory_id", "=", "GHSA-35jh-r3h4-6jhm")
					.execute(),
			).toEqual([
				{
					ranges: JSON.stringify([
						{
							type: "ECOSYSTEM",
							events: [{ introduced: "0" }, { fixed: "4.17.22" }],
						},
					]),
				},
			]);

			const status = await store.status();
			expect(status).toMatchObject({
				advisories: 6,
				newestModified: "2025-02-07T09:10:41Z",
			});
			expect(Date.parse(status.updatedAt!)).toBeGreaterThan(
				Date.now() - 60_000,
			);
			expect(
				(await store.imports()).map((i) => [
					i.source,
					i.status,
					i.read,
					i.changed,
				]),
			).toEqual([
				["update.zip", "Success", 2, 1],
				["all.zip", "Success", 6, 0],
				["all.zip", "Success", 6, 6],
			]);

			const debian = await findVulnerabilities(
				store,
				await packagesOf(await debianAppLayers()),
			);
			expect(debian.map(brief)).toEqual([
				"CVE-2021-44906 minimist 1.2.5 → 1.2.6 Critical",
				"CVE-2021-23337 lodash 4.17.21 → 4.17.22 High",
				"CVE-2023-32681 requests 2.30.0 → 2.31.0 Medium",
				"CVE-2022-32149 golang.org/x/text v0.3.7 → 0.3.8 Unknown",
				"CVE-2022-37434 zlib1g 1:1.2.11.dfsg-2+deb11u1 → 1:1.2.11.dfsg-2+deb11u2 Unknown",
			]);
			expect(debian[0]).toMatchObject({
				preferred_cvss: {
					score_v3: 9.8,
					vector_v3: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
				},
				cwe_ids: ["CWE-1321"],
				description: "Prototype Pollution in minimist",
				vendor_attributes: {
					osv_id: "GHSA-xvch-5gv4-984h",
					ecosystem: "npm",
					path: "app/package-lock.json",
				},
			});
			expect(debian[0].links[0]).toBe(
				"https://osv.dev/vulnerability/GHSA-xvch-5gv4-984h",
			);
			const alpine = await findVulnerabilities(
				store,
				await packagesOf(await alpineLayers()),
			);
			expect(alpine.map(brief)).toEqual([
				"CVE-2023-0464 libcrypto3 3.0.8-r0 → 3.0.8-r1 Unknown",
				"CVE-2023-0464 libssl3 3.0.8-r0 → 3.0.8-r1 Unknown",
			]);
		});
	});

	it("records a file that is not a zip, or holds something other than JSON, as a failed import", async () => {
		await withDatabase(engine, async (db) => {
			const store = createOsvStore(db);
			const notZip = path.join(dir, `${engine}-not.zip`);
			await writeFile(notZip, "hello");
			await expect(importZipFile(store, notZip, "not.zip")).rejects.toThrow(
				OsvImportError,
			);
			expect((await store.imports())[0]).toMatchObject({
				source: "not.zip",
				status: "Error",
				message: expect.stringMatching(/^not a zip file/),
			});
			expect((await store.status()).updatedAt).toBeNull();
		});
	});
});
