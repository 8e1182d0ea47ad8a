import { createWriteStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

const fixtureDir = path.join(import.meta.dirname, "fixtures", "osv");

/** The fixture's real OSV advisories (bff/test/fixtures/osv), parsed, by id. */
export async function osvFixtures(): Promise<
	Map<string, Record<string, unknown>>
> {
	const out = new Map<string, Record<string, unknown>>();
	for (const f of (await readdir(fixtureDir)).sort())
		if (f.endsWith(".json")) {
			const o = JSON.parse(
				await readFile(path.join(fixtureDir, f), "utf8"),
			) as Record<string, unknown>;
			out.set(o.id as string, o);
		}
	return out;
}

/** Writes advisories as OSV's exports hold them (`<id>.json` at the top of the zip) to `file`; answers the file. */
export async function writeOsvZip(
	file: string,
	advisories: Iterable<Record<string, unknown>>,
): Promise<string> {
	const zip = new yazl.ZipFile();
	for (const a of advisories)
		zip.addBuffer(
			Buffer.from(JSON.stringify(a, null, 2)),
			`${a.id as string}.json`,
		);
	zip.end();
	await pipeline(zip.outputStream, createWriteStream(file));
	return file;
}
