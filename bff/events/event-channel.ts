/**
 * In-process events: listeners run after the emitter's request has answered (a macrotask later), and a listener's
 * failure goes to `onError`, never back to the emitter.
 */
export type EventChannel<E> = {
	publish(event: E): void;
	/** Returns the unsubscribe function. */
	subscribe(listener: (event: E) => Promise<void> | void): () => void;
	/** Resolves when every listener called so far has finished (shutdown, tests). */
	settled(): Promise<void>;
};

export function createEventChannel<E>(
	onError: (err: unknown, event: E) => void,
): EventChannel<E> {
	const listeners = new Set<(event: E) => Promise<void> | void>();
	const inFlight = new Set<Promise<void>>();
	return {
		publish(event) {
			for (const listener of listeners) {
				const p: Promise<void> = new Promise<void>((resolve) =>
					setImmediate(resolve),
				)
					.then(() => listener(event))
					.catch((err: unknown) => onError(err, event))
					.finally(() => inFlight.delete(p));
				inFlight.add(p);
			}
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		async settled() {
			while (inFlight.size > 0) await Promise.all([...inFlight]);
		},
	};
}
