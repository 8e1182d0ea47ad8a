import type { Adapter } from "./adapters/adapter.ts";

/**
 * Live adapters per saved endpoint, so every health check and job reuses its connections and tokens (one Docker Hub
 * token per scope and endpoint, not one per job: the Hub rate-limits them). An endpoint's adapter is replaced when
 * the endpoint changes (`version`: its update time) and closed when it is deleted.
 */
export function createAdapterPool() {
	const live = new Map<number, { version: string; adapter: Adapter }>();
	const drop = (id: number) => {
		const held = live.get(id);
		live.delete(id);
		return held?.adapter.close().catch(() => undefined);
	};
	return {
		get(id: number, version: string, make: () => Adapter): Adapter {
			const held = live.get(id);
			if (held?.version === version) return held.adapter;
			void drop(id);
			const adapter = make();
			live.set(id, { version, adapter });
			return adapter;
		},
		drop: async (id: number) => {
			await drop(id);
		},
		async closeAll() {
			await Promise.all([...live.keys()].map(drop));
		},
	};
}

export type AdapterPool = ReturnType<typeof createAdapterPool>;
