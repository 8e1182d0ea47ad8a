import type { RegistryStore } from "./store.ts";

/**
 * Pull time and count are written off the pull's path: pulls are gathered in memory and flushed a few times a
 * second in one transaction, so serving a manifest never waits on a write.
 */
export function createPullRecorder(store: RegistryStore, flushMs = 250) {
	let pending = new Map<
		string,
		{
			artifactId: number;
			repositoryId: number;
			tag: string | null;
			count: number;
			time: string;
		}
	>();
	let flushing: Promise<void> = Promise.resolve();

	const flush = () => {
		if (pending.size === 0) return flushing;
		const batch = [...pending.values()];
		pending = new Map();
		flushing = flushing
			.then(() => store.recordPulls(batch))
			.catch(() => {
				/* pull statistics are best effort */
			});
		return flushing;
	};
	const timer = setInterval(flush, flushMs);
	timer.unref();

	return {
		record(artifactId: number, repositoryId: number, tag: string | null) {
			const key = `${artifactId}:${tag ?? ""}`;
			const entry = pending.get(key);
			const time = new Date().toISOString();
			if (entry) {
				entry.count += 1;
				entry.time = time;
			} else
				pending.set(key, { artifactId, repositoryId, tag, count: 1, time });
		},
		flush,
		async close() {
			clearInterval(timer);
			await flush();
		},
	};
}

export type PullRecorder = ReturnType<typeof createPullRecorder>;
