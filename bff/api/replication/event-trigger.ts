import type { Logger } from "pino";
import type {
	ArtifactEvent,
	ArtifactEvents,
} from "../../events/artifact-events.ts";
import { destinationRepo, matchesFilters } from "../../replication/filters.ts";
import { digestOf } from "../../replication/manifest-tree.ts";
import type { V2Client } from "../../replication/v2-client.ts";
import { type ExecutionService, taskResource } from "./executions.ts";
import { policyFilters } from "./policies.ts";
import { artifactKind, type ReplicationStore } from "./store.ts";

/**
 * The manifests this process's replication tasks are writing into this Wharf right now (a pull's destination: the
 * artifact, its index children, its signatures). Their pushes come back as artifact events; as Harbor ignores events
 * from replication, so does the event trigger, and a pull from a site that pushes back on events never turns into a
 * loop. Each is held a little after the task ends, since the event is handled after the push has answered.
 */
export type EchoGuard = {
	/** A client that holds every manifest put through it; `release` when the task ends. */
	track(client: V2Client): { client: V2Client; release(): void };
	echoes(repository: string, digest: string): boolean;
};

export function createEchoGuard(lingerMs = 10_000): EchoGuard {
	const held = new Map<string, number>();
	const key = (repository: string, digest: string) => `${repository}@${digest}`;
	const drop = (k: string) => {
		const n = (held.get(k) ?? 1) - 1;
		if (n <= 0) held.delete(k);
		else held.set(k, n);
	};
	return {
		track(client) {
			const mine: string[] = [];
			const tracked: V2Client = {
				...client,
				async putManifest(repo, reference, body, mediaType) {
					const k = key(repo, digestOf(body));
					held.set(k, (held.get(k) ?? 0) + 1);
					mine.push(k);
					return client.putManifest(repo, reference, body, mediaType);
				},
			};
			return {
				client: tracked,
				release: () => {
					setTimeout(() => mine.forEach(drop), lingerMs).unref();
				},
			};
		},
		echoes: (repository, digest) => held.has(key(repository, digest)),
	};
}

/** Harbor's type of an artifact (IMAGE, CHART…), for the resource filter. */
type ArtifactTypeOf = (
	repository: string,
	digest: string,
) => Promise<string | undefined>;

/**
 * Event-based triggers: a push into this Wharf starts each enabled event-based push policy whose filters select the
 * artifact, with one copy task; a deletion, one deletion task for the policies that replicate deletions.
 */
export function startEventTrigger(deps: {
	events: ArtifactEvents;
	store: ReplicationStore;
	executions: ExecutionService;
	echoes: EchoGuard;
	typeOf: ArtifactTypeOf;
	logger: Logger;
}) {
	const { store } = deps;
	async function onEvent(ev: ArtifactEvent) {
		if (ev.type === "pull" || deps.echoes.echoes(ev.repository, ev.digest))
			return;
		const policies = (await store.eventPolicies()).filter(
			(p) => ev.type === "push" || p.replicate_deletion === 1,
		);
		if (policies.length === 0) return;
		const labels =
			ev.type === "push" ? await store.labelsOf(ev.repository, ev.digest) : [];
		const type =
			ev.type === "push"
				? ((await deps.typeOf(ev.repository, ev.digest)) ?? "UNKNOWN")
				: "UNKNOWN";
		for (const p of policies) {
			const filters = policyFilters(p);
			// A deletion has no tags left to filter on: tag and label filters are Harbor's for what is pushed.
			const judged =
				ev.type === "push" ? filters : filters.filter((f) => f.type === "name");
			const m = matchesFilters(
				{
					repository: ev.repository,
					tags: ev.tags,
					labels,
					artifactType: type,
				},
				judged,
			);
			if (!m.match) continue;
			let dst: string;
			try {
				dst = destinationRepo(
					ev.repository,
					p.dest_namespace,
					p.dest_namespace_replace_count,
				);
			} catch (err) {
				deps.logger.warn(
					{ err, policy: p.id },
					"event-based replication skipped: no destination repository",
				);
				continue;
			}
			const tags = ev.type === "push" ? m.tags : [];
			await deps.executions.startWith(p.id, "event_based", [
				{
					operation: ev.type === "push" ? "copy" : "deletion",
					resource_type: artifactKind(type),
					src_resource: taskResource(ev.repository, tags, ev.digest),
					dst_resource: taskResource(dst, tags, ev.digest),
					src_repository: ev.repository,
					dst_repository: dst,
					digest: ev.digest,
					tags: JSON.stringify(tags),
				},
			]);
		}
	}
	return deps.events.subscribe((ev) =>
		onEvent(ev).catch((err) =>
			deps.logger.error(
				{ err, event: ev },
				"event-based replication failed to start",
			),
		),
	);
}
