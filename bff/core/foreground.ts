/**
 * Clients' blob transfers in flight on this process's `/v2` (uploads, and blob reads), so background work
 * (replication) can give way to them: a push or a pull must never wait for Wharf's own copying. Process-wide, as the
 * event loop and disks they share are. Requests marked with `backgroundHeader` (Wharf's own jobs reaching its `/v2`)
 * are not counted: work never yields to itself.
 */
export type ForegroundGauge = {
	/** A transfer starts; call the answer when it ends (more calls are ignored). */
	begin(): () => void;
	/** Transfers in flight now. */
	inFlight(): number;
	/**
	 * True while a transfer is in flight, and for `graceMs` after the last one ended: a push's blobs and its manifest
	 * come one after another, and the gaps between them are part of the push.
	 */
	busy(): boolean;
};

/** Sent by Wharf's own jobs on their `/v2` requests. A client sending it only loses the right of way it would have had. */
export const backgroundHeader = "wharf-background";

export function createForegroundGauge(
	opts: { graceMs?: number } = {},
): ForegroundGauge {
	const graceMs = opts.graceMs ?? 100;
	let inFlight = 0;
	let lastEnd = 0;
	return {
		begin() {
			inFlight++;
			let ended = false;
			return () => {
				if (ended) return;
				ended = true;
				inFlight--;
				lastEnd = Date.now();
			};
		},
		inFlight: () => inFlight,
		busy: () => inFlight > 0 || Date.now() - lastEnd < graceMs,
	};
}

/** The process's gauge: the core counts into it, replication reads it. */
export const foreground = createForegroundGauge();
