import type { Tx } from "./store.ts";

/**
 * What the core asks of auth, injected by main.ts so the core knows nothing of users, sessions or roles.
 * `authenticate` turns an Authorization header into a caller (or throws a 401 RegistryError for bad credentials).
 */
/** `scanner-pull`: the caller is exempt from pull policies (a scanner, Wharf's own replication), as in Harbor. */
export type RegistryAction = "pull" | "push" | "delete" | "scanner-pull";

export interface Caller {
	/** Username, robot name, or 'anonymous'. */
	readonly name: string;
	readonly anonymous: boolean;
	/** How the caller proved itself: a bearer token carries its scopes; basic credentials are checked per request. */
	readonly via: "token" | "basic" | "none";
	/** What this request may do: a token's scopes, or the policy's answer for basic and anonymous callers. */
	can(repository: string, action: RegistryAction): Promise<boolean>;
	/** Whether the caller's identity may pull the repository (automatic mounts), whatever a token's scope. */
	readable(repository: string): Promise<boolean>;
	/** The projects whose repositories the caller's identity may pull, for the catalog to filter in SQL. */
	pullable(): PullableProjects;
}

/**
 * Projects in a form a store filters on: all of them, or those public, those where a user holds one of `roles`, and
 * those listed by id (a robot's grants).
 */
export type PullableProjects =
	| { all: true }
	| {
			all: false;
			publicProjects: boolean;
			member?: { userId: number; groupIds?: number[]; roles: number[] };
			projectIds?: number[];
	  };

export interface RegistryAuthorizer {
	/** `address` is the client's, for the login throttle. */
	authenticate(
		authorization: string | undefined,
		address: string,
	): Promise<Caller>;
}

/** What the core asks before it writes; injected by main.ts (read-only mode, quotas). `allowAll` when nothing is set. */
export interface WriteGuard {
	/** Before any push or delete in the project: throws a RegistryError (DENIED) when writes are not allowed. */
	beforeWrite(project: string): Promise<void>;
	/**
	 * Before blobs or manifests are counted into the project (all of them, or none), or `bytes` more are reserved for
	 * an upload in flight: throws (DENIED) when together they would pass a quota. Blobs the project already counts add
	 * nothing. Inside `tx` the project's quota is locked first, so the answer holds until `tx` commits: the check and
	 * what `tx` then records are one atomic step. Without `tx` it is an early answer only (nothing is held).
	 */
	beforeAdd(projectId: number, add: QuotaAdd, tx?: Tx): Promise<void>;
	/**
	 * The project's immutable tag rules as one test, or null when no rule is enabled (then nothing need be looked up). A
	 * tag it matches may not be moved to another artifact or deleted, nor its artifact deleted.
	 */
	immutableTags(projectId: number): Promise<ImmutableTest | null>;
}

/** Whether a tag of a repository (the repository's full name, project first) is immutable. */
export type ImmutableTest = (repository: string, tag: string) => boolean;

/**
 * `ahead`: the bytes are reserved ahead of need (an upload of unknown length takes a step at a time); a refusal is then
 * no refused push, since the caller asks again for exactly what it needs, so it is not reported as the quota exceeded.
 */
export type QuotaAdd = {
	blobs?: { digest: string; size: number }[];
	bytes?: number;
	ahead?: boolean;
};

/**
 * Asked before a manifest GET answers (not for callers exempt by `scanner-pull`): throws a RegistryError (412
 * PROJECTPOLICYVIOLATION) when the project's policy forbids pulling this artifact (vulnerable or not scanned).
 */
export type PullGuard = (
	projectId: number,
	artifact: { id: number; digest: string },
) => Promise<void>;

export const allowAll: WriteGuard = {
	beforeWrite: async () => {},
	beforeAdd: async () => {},
	immutableTags: async () => null,
};

/** Records who did what (push, pull, delete) for the audit log. */
export interface AuditSink {
	/**
	 * `projectId`, when known, saves a lookup by name, and is the only way once the project is gone (its deletion);
	 * `description`, what changed when the operation does not say (`sysadmin_flag: false → true`).
	 */
	record(event: {
		project: string | null;
		projectId?: number;
		operator: string;
		resource: string;
		resourceType: string;
		operation: string;
		description?: string;
	}): void;
}
