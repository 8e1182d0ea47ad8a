import { expect } from "vitest";
import type { api as apiOf } from "./api-fixtures.ts";
import { sleep } from "./distribution-helpers.ts";

/**
 * A system run's API (`/system/gc`, `/system/purgeaudit`) as tests drive it: run now, and wait for a run to end.
 * `apiNow` gives the caller of the server the suite has started by then.
 */
export function systemRuns(
	apiNow: () => ReturnType<typeof apiOf>,
	base: string,
) {
	const api: ReturnType<typeof apiOf> = (path, init) => apiNow()(path, init);
	return {
		/** Starts a run (Harbor's Manual schedule type); answers its id. */
		async run(parameters: Record<string, unknown> = {}): Promise<number> {
			const r = await api(`${base}/schedule`, {
				method: "POST",
				json: { schedule: { type: "Manual" }, parameters },
			});
			expect(r.status, await r.clone().text()).toBe(201);
			return Number(r.headers.get("location")!.split("/").pop());
		},
		/** The run's history entry once it is neither pending nor running. */
		async finished(id: number) {
			for (let i = 0; i < 600; i++) {
				const h = await (await api(`${base}/${id}`)).json();
				if (!["Pending", "Running"].includes(h.job_status)) return h;
				await sleep(50);
			}
			throw new Error(`${base}/${id} did not finish`);
		},
	};
}
