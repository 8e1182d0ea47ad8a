/**
 * The tests' round-robin proxy (bff/test/round-robin.ts) as a process of its own, for the replicas bench, so the
 * balancer does not share the load generator's event loop: `node --import tsx round-robin-main.ts <base URL>…` prints
 * its own base URL on stdout, then runs until SIGTERM.
 */
import { startRoundRobin } from "../test/round-robin.ts";

const targets = process.argv.slice(2);
const lb = await startRoundRobin(() => targets);
process.stdout.write(`${lb.url}\n`);
process.once("SIGTERM", () => {
	void lb.close().then(() => process.exit(0));
});
