/**
 * Artifact events inside one Wharf process: the core emits what was pushed, deleted or pulled, and replication's
 * event-based trigger (and later webhooks) subscribe. The core sees only `ArtifactEventSink` (injected like its
 * AuditSink), so it imports nothing of replication or the API. A subscriber runs after the request has answered and
 * its failure is logged, never thrown back into the push.
 */
export type ArtifactEvent = {
  type: 'push' | 'delete' | 'pull';
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
  emit(event: Omit<ArtifactEvent, 'occurredAt'>): void;
}

export type ArtifactEventListener = (event: ArtifactEvent) => Promise<void> | void;

export type ArtifactEvents = ArtifactEventSink & {
  /** Returns the unsubscribe function. */
  subscribe(listener: ArtifactEventListener): () => void;
  /** Resolves when every listener called so far has finished (shutdown, tests). */
  settled(): Promise<void>;
};

export const noArtifactEvents: ArtifactEventSink = { emit: () => {} };

export function createArtifactEvents(onError: (err: unknown, event: ArtifactEvent) => void): ArtifactEvents {
  const listeners = new Set<ArtifactEventListener>();
  const inFlight = new Set<Promise<void>>();
  return {
    emit(e) {
      const event: ArtifactEvent = { ...e, occurredAt: new Date().toISOString() };
      for (const listener of listeners) {
        // Off the request's path: the push has answered before a listener queries anything.
        const p: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
          .then(() => listener(event))
          .catch((err: unknown) => onError(err, event))
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
}
