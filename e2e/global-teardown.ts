import { rmSync } from "node:fs";

/** Removes the server's data folder once every spec has run. */
export default function teardown() {
	if (process.env.E2E_DATA_DIR)
		rmSync(process.env.E2E_DATA_DIR, { recursive: true, force: true });
}
