import { createEventChannel } from "./event-channel.ts";

/**
 * Artifact events inside one Wharf process: the core emits what was pushed, deleted or pulled, and replication's
 * event-based trigger (and later webhooks) subscribe. The core sees only `ArtifactEventSink` (injected like its
 * AuditSink), so it imports nothing of replication or the API. A subscriber runs after the request has answered and
 * its failure is logged, never thrown back into the push.
 */
export type ArtifactEvent = {
	type: "push" | "delete" | "pull";
	project: string;
	/** The full repository name, `<project>/<path>`. */
	repository: string;
	digest: string;
	/** Tags pushed with the manifest, or the tag deleted; empty for a push or delete by digest. */
	tags: string[];
	/** Who did it: a username, a robot's name, or replication's own principal (see replicationOperator). */
	operator: string;
	occurredAt: string;
};

export interface ArtifactEventSink {
	emit(event: Omit<ArtifactEvent, "occurredAt">): void;
}

export type ArtifactEventListener = (
	event: ArtifactEvent,
) => Promise<void> | void;

export type ArtifactEvents = ArtifactEventSink & {
	/** Returns the unsubscribe function. */
	subscribe(listener: ArtifactEventListener): () => void;
	/** Resolves when every listener called so far has finished (shutdown, tests). */
	settled(): Promise<void>;
};

export const noArtifactEvents: ArtifactEventSink = { emit: () => {} };

export function createArtifactEvents(
	onError: (err: unknown, event: ArtifactEvent) => void,
): ArtifactEvents {
	const channel = createEventChannel<ArtifactEvent>(onError);
	return {
		// Off the request's path: the push has answered before a listener queries anything.
		emit: (e) =>
			channel.publish({ ...e, occurredAt: new Date().toISOString() }),
		subscribe: channel.subscribe,
		settled: channel.settled,
	};
}
