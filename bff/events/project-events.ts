import { createEventChannel } from "./event-channel.ts";

/**
 * Events about a project that are not one artifact's push, pull or deletion: a push refused for its quota, usage past
 * the warning threshold, a replication or retention execution that ended. Webhooks subscribe. Emitters never wait for listeners.
 */
export type ProjectEvent =
	| {
			type: "quota_exceed" | "quota_warning";
			projectId: number;
			/** The repository pushed to, when known, and the artifact (a warning follows a push). */
			repository?: string;
			digest?: string;
			tag?: string;
			operator: string;
			details: string;
			occurredAt: string;
	  }
	| {
			type: "replication";
			executionId: number;
			status: "Succeed" | "Failed" | "Stopped";
			occurredAt: string;
	  }
	| {
			/** A retention execution that deleted for real ended (dry runs delete nothing and tell no one). */
			type: "retention";
			projectId: number;
			policyId: number;
			executionId: number;
			status: "Succeed" | "Failed" | "Stopped" | "Pending" | "Running";
			/** MANUAL or SCHEDULE. */
			trigger: string;
			total: number;
			retained: number;
			deleted: { repository: string; digest: string; tags: string[] }[];
			occurredAt: string;
	  };

export type ProjectEventSink = {
	emit(event: DistributiveOmit<ProjectEvent, "occurredAt">): void;
};
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
	? Omit<T, K>
	: never;

export type ProjectEvents = ProjectEventSink & {
	subscribe(
		listener: (event: ProjectEvent) => Promise<void> | void,
	): () => void;
	settled(): Promise<void>;
};

export function createProjectEvents(
	onError: (err: unknown, event: ProjectEvent) => void,
): ProjectEvents {
	const channel = createEventChannel<ProjectEvent>(onError);
	return {
		emit: (e) =>
			channel.publish({
				...e,
				occurredAt: new Date().toISOString(),
			} as ProjectEvent),
		subscribe: channel.subscribe,
		settled: channel.settled,
	};
}
