import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { nextFire } from "../../jobs/cron.ts";
import type { Scheduler } from "../../jobs/scheduler.ts";
import {
	checkFilters,
	type ReplicationFilter,
} from "../../replication/filters.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { RegistryService } from "../registries/service.ts";
import { registryJson } from "../registries/service.ts";
import type { PolicyRow, ReplicationStore } from "./store.ts";

/** The scheduler's job type for replication policies (Harbor's vendor_type). */
export const replicationJob = "REPLICATION";

export type TriggerType = "manual" | "scheduled" | "event_based";

/** A policy as create and update take it; registry ids: 0 (or none) is this Wharf, Harbor's "Local". */
export type PolicyInput = {
	name: string;
	description: string;
	src_registry_id: number;
	dest_registry_id: number;
	dest_namespace: string;
	dest_namespace_replace_count: number;
	trigger: { type: TriggerType; cron: string | null };
	filters: unknown;
	replicate_deletion: boolean;
	override: boolean;
	enabled: boolean;
	speed: number;
	copy_by_chunk: boolean;
};

/** Harbor shows this Wharf as registry 0, "Local", on the side a policy does not name. */
const localRegistry = {
	id: 0,
	name: "Local",
	url: "",
	type: "harbor",
	description: "",
	insecure: true,
	credential: { type: "secret", access_key: "" },
	status: "healthy",
};

/** Harbor's dest_namespace: repository path components. */
const namespacePattern =
	/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export const policyFilters = (p: PolicyRow) =>
	JSON.parse(p.filters) as ReplicationFilter[];
export const isPush = (p: PolicyRow) => p.dest_registry_id !== null;
/** The policy's remote endpoint: its destination (push) or its source (pull). */
export const remoteOf = (p: PolicyRow) =>
	(p.dest_registry_id ?? p.src_registry_id)!;

/**
 * Replication policy rules, as Harbor's: exactly one side is a remote endpoint that exists; a name is taken once;
 * a scheduled trigger's cron parses (and keeps a schedule row while the policy is enabled); filters are valid;
 * event-based triggers exist only for push. A policy is not deleted while one of its executions runs.
 */
export function createPolicyService(deps: {
	store: ReplicationStore;
	registries: RegistryService;
	schedules: Scheduler;
	audit: AuditSink;
}) {
	const { store, registries, schedules } = deps;

	async function get(id: number): Promise<PolicyRow> {
		const p = await store.policy(id);
		if (!p) throw notFound(`replication policy ${id} not found`);
		return p;
	}

	/** Checks an input and gives the row it makes; nothing is written. */
	async function rowOf(input: PolicyInput) {
		const remotes = [input.src_registry_id, input.dest_registry_id].filter(
			(id) => id > 0,
		);
		if (remotes.length !== 1) {
			throw badRequest(
				remotes.length === 0
					? "a policy needs a remote registry: src_registry (pull) or dest_registry (push)"
					: "only one side of a policy may be a remote registry: the other is this registry (src_registry or dest_registry, not both)",
			);
		}
		const registryId = remotes[0];
		await registries.get(registryId).catch((e: unknown) => {
			throw e instanceof ApiError && e.status === 404
				? badRequest(`registry ${registryId} not found`)
				: e;
		});
		const push = input.dest_registry_id > 0;
		let filters: ReplicationFilter[];
		try {
			filters = checkFilters(input.filters);
		} catch (e) {
			throw badRequest((e as Error).message);
		}
		const { type } = input.trigger;
		let cron: string | null = null;
		if (type === "scheduled") {
			if (!input.trigger.cron?.trim())
				throw badRequest(
					'a scheduled trigger needs trigger_settings.cron (six fields, seconds first: "0 0 2 * * *")',
				);
			nextFire(input.trigger.cron, new Date()); // throws CronError → 400
			cron = input.trigger.cron.trim();
		}
		if (type === "event_based" && !push)
			throw badRequest(
				"an event_based trigger is for push policies only (dest_registry set)",
			);
		const ns = input.dest_namespace.replace(/^\/+|\/+$/g, "");
		if (ns && !namespacePattern.test(ns))
			throw badRequest(
				`dest_namespace ${JSON.stringify(input.dest_namespace)} is not a valid repository path (lowercase letters, digits, separators)`,
			);
		if (input.dest_namespace_replace_count < -1)
			throw badRequest("dest_namespace_replace_count must be -1 or more");
		if (input.speed < -1 || input.speed === 0)
			throw badRequest("speed is in KB/s: -1 for unlimited, or more than 0");
		return {
			name: input.name,
			description: input.description,
			src_registry_id: push ? null : registryId,
			dest_registry_id: push ? registryId : null,
			dest_namespace: ns,
			dest_namespace_replace_count: input.dest_namespace_replace_count,
			trigger_type: type,
			cron,
			filters: JSON.stringify(filters),
			replicate_deletion: input.replicate_deletion ? 1 : 0,
			override: input.override ? 1 : 0,
			enabled: input.enabled ? 1 : 0,
			speed: input.speed,
			copy_by_chunk: input.copy_by_chunk ? 1 : 0,
		};
	}

	/** Keeps the policy's schedule row as its trigger says: there while it is scheduled and enabled, gone otherwise. */
	async function syncSchedule(
		id: number,
		row: { trigger_type: string; cron: string | null; enabled: number },
	) {
		if (row.trigger_type === "scheduled" && row.enabled === 1 && row.cron)
			await schedules.set(replicationJob, id, row.cron, { policyId: id });
		else await schedules.remove(replicationJob, id);
	}

	const taken = (name: string) =>
		new ApiError(
			"CONFLICT",
			`a replication policy named ${name} already exists`,
		);

	return {
		get,
		list: (
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) => store.listPolicies(name, conditions, sort, limit, offset),

		/** The input a policy was made from, so an update can apply a patch over it. */
		inputOf: (p: PolicyRow): PolicyInput => ({
			name: p.name,
			description: p.description,
			src_registry_id: p.src_registry_id ?? 0,
			dest_registry_id: p.dest_registry_id ?? 0,
			dest_namespace: p.dest_namespace,
			dest_namespace_replace_count: p.dest_namespace_replace_count,
			trigger: { type: p.trigger_type as TriggerType, cron: p.cron },
			filters: policyFilters(p),
			replicate_deletion: p.replicate_deletion === 1,
			override: p.override === 1,
			enabled: p.enabled === 1,
			speed: p.speed,
			copy_by_chunk: p.copy_by_chunk === 1,
		}),

		async create(input: PolicyInput, operator: string): Promise<number> {
			const row = await rowOf(input);
			const t = now();
			let id: number;
			try {
				id = await store.createPolicy({
					...row,
					creation_time: t,
					update_time: t,
				});
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(input.name);
				throw err;
			}
			try {
				await syncSchedule(id, row);
			} catch (err) {
				await store.removePolicy(id); // nothing half-created
				throw err;
			}
			deps.audit.record({
				project: null,
				operator,
				resource: input.name,
				resourceType: "replication_policy",
				operation: "create",
			});
			return id;
		},

		async update(
			id: number,
			input: PolicyInput,
			operator: string,
		): Promise<void> {
			await get(id);
			const row = await rowOf(input);
			try {
				await store.updatePolicy(id, { ...row, update_time: now() });
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(input.name);
				throw err;
			}
			await syncSchedule(id, row);
			deps.audit.record({
				project: null,
				operator,
				resource: input.name,
				resourceType: "replication_policy",
				operation: "update",
			});
		},

		async remove(id: number, operator: string): Promise<void> {
			const p = await get(id);
			if (await store.running(id))
				throw new ApiError(
					"PRECONDITION",
					`replication policy ${p.name} has an execution in progress: stop it first`,
				);
			await schedules.remove(replicationJob, id);
			await store.removePolicy(id);
			deps.audit.record({
				project: null,
				operator,
				resource: p.name,
				resourceType: "replication_policy",
				operation: "delete",
			});
		},

		/** Harbor's ReplicationPolicy model, both sides as Registry objects (this Wharf as "Local"). */
		async json(p: PolicyRow) {
			const side = async (id: number | null) =>
				id === null
					? localRegistry
					: registryJson(
							(await registries.get(id).catch(() => undefined)) ?? missing(id),
						);
			return {
				id: p.id,
				name: p.name,
				description: p.description,
				src_registry: await side(p.src_registry_id),
				dest_registry: await side(p.dest_registry_id),
				dest_namespace: p.dest_namespace,
				dest_namespace_replace_count: p.dest_namespace_replace_count,
				trigger: {
					type: p.trigger_type,
					trigger_settings: { cron: p.cron ?? "" },
				},
				filters: policyFilters(p),
				replicate_deletion: p.replicate_deletion === 1,
				deletion: p.replicate_deletion === 1,
				override: p.override === 1,
				enabled: p.enabled === 1,
				speed: p.speed,
				copy_by_chunk: p.copy_by_chunk === 1,
				creation_time: p.creation_time,
				update_time: p.update_time,
			};
		},
	};
}

/** A registry row that is gone (deleting one in use is refused, but a policy must still be shown). */
function missing(id: number) {
	return {
		id,
		name: "",
		url: "",
		type: "",
		description: "",
		insecure: 0,
		ca_certificate: null,
		credential_type: "basic",
		access_key: "",
		access_secret: null,
		status: "unhealthy",
		status_checked_at: null,
		creation_time: "",
		update_time: "",
	};
}

export type PolicyService = ReturnType<typeof createPolicyService>;
