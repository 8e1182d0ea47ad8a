import { randomBytes } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createV2Client, type V2Client } from "../replication/v2-client.ts";
import {
	adminPassword,
	startTestServer,
	stopTestServer,
	type TestServer,
} from "../test/harness.ts";
import { sha256 } from "../test/oci-fixtures.ts";
import {
	backgroundHeader,
	createForegroundGauge,
	foreground,
} from "./foreground.ts";

/** Polls until `check` holds (a coarse bound: the machine may be loaded). */
async function until(check: () => boolean, what: string) {
	for (const end = Date.now() + 10_000; !check(); await sleep(10))
		if (Date.now() > end) throw new Error(`never: ${what}`);
}

describe("the foreground gauge", () => {
	it("counts transfers in flight, ends each once, and stays busy for the grace after the last", async () => {
		const gauge = createForegroundGauge({ graceMs: 50 });
		expect(gauge.busy()).toBe(false);
		const a = gauge.begin();
		const b = gauge.begin();
		expect([gauge.inFlight(), gauge.busy()]).toEqual([2, true]);
		a();
		a();
		expect(gauge.inFlight()).toBe(1);
		b();
		expect([gauge.inFlight(), gauge.busy()]).toEqual([0, true]);
		await sleep(80);
		expect(gauge.busy()).toBe(false);
	});
});

describe("the core counts clients' blob transfers into the process's gauge", () => {
	let wharf: TestServer;
	let client: V2Client;
	let background: V2Client;
	const credential = { username: "admin", password: adminPassword };

	beforeAll(async () => {
		wharf = await startTestServer("sqlite");
		client = createV2Client({ url: wharf.url, credential });
		background = createV2Client({
			url: wharf.url,
			credential,
			headers: { [backgroundHeader]: "replication" },
		});
	}, 60_000);
	afterAll(async () => {
		await Promise.all([client?.close(), background?.close()]);
		await stopTestServer(wharf);
	});

	/** Starts an upload whose body is held open after its first bytes; answers how to finish it. */
	function heldUpload(c: V2Client, blob: Buffer) {
		const body = new PassThrough();
		body.write(blob.subarray(0, 1024));
		const done = c.putBlob("library/held", sha256(blob), body, blob.length);
		return { done, finish: () => body.end(blob.subarray(1024)) };
	}

	it("an upload counts while its body streams, a blob GET while its bytes go out; both end at zero", async () => {
		const blob = randomBytes(16 * 1024 * 1024);
		const up = heldUpload(client, blob);
		await until(() => foreground.inFlight() === 1, "the upload counted");
		expect(foreground.busy()).toBe(true);
		up.finish();
		await up.done;
		await until(() => foreground.inFlight() === 0, "the upload ended");

		// Left unread, 16 MiB cannot all leave: the GET stays in flight until the client goes.
		const { stream } = await client.getBlob("library/held", sha256(blob));
		expect(foreground.inFlight()).toBe(1);
		stream.destroy();
		await until(
			() => foreground.inFlight() === 0,
			"the GET ended with its client",
		);
	}, 60_000);

	it("Wharf's own background calls are not counted", async () => {
		const blob = randomBytes(64 * 1024);
		const up = heldUpload(background, blob);
		await sleep(200);
		expect(foreground.inFlight()).toBe(0);
		up.finish();
		await up.done;
		const { stream } = await background.getBlob("library/held", sha256(blob));
		expect(foreground.inFlight()).toBe(0);
		await Readable.from(stream).toArray();
	}, 60_000);
});
