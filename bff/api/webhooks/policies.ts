import type { SecretBox } from "../../auth/secrets.ts";
import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import type { SortKey } from "../harbor-query.ts";
import {
	type EventType,
	eventTypes,
	formatsOf,
	type NotifyType,
	notifyTypes,
	type PayloadFormat,
	payloadFormats,
} from "./event-types.ts";
import type { WebhookPolicyRow, WebhookStore } from "./store.ts";

/** A target as stored: the auth header sealed (null: none). */
export type StoredTarget = {
	type: NotifyType;
	address: string;
	auth_header: string | null;
	skip_cert_verify: boolean;
	payload_format: PayloadFormat;
};

/** A target as the API takes it; `auth_header` left out (or the mask sent back) keeps the saved one. */
export type TargetInput = {
	type?: string;
	address: string;
	auth_header?: string | null;
	skip_cert_verify?: boolean;
	payload_format?: string;
};
export type WebhookPolicyInput = {
	name: string;
	description: string;
	enabled: boolean;
	event_types: string[];
	targets: TargetInput[];
};

/** What responses show for a saved auth header: never the secret itself. */
export const maskedSecret = "******";

const address = (raw: string, i: number): string => {
	let u: URL;
	try {
		u = new URL(raw.trim());
	} catch {
		throw badRequest(
			`targets[${i}].address ${JSON.stringify(raw)} is not a URL: give http://… or https://…`,
		);
	}
	if (u.protocol !== "http:" && u.protocol !== "https:")
		throw badRequest(
			`targets[${i}].address must be an http:// or https:// URL`,
		);
	return raw.trim();
};

export const storedTargets = (p: WebhookPolicyRow) =>
	JSON.parse(p.targets) as StoredTarget[];

/**
 * Webhook policies of a project, as Harbor's: a name is taken once in a project; at least one event type, each
 * Harbor's; at least one target, http or slack, with an http(s) address and a format its type sends (Slack: Default).
 * Auth headers are sealed at rest and masked in every answer.
 */
export function createWebhookPolicyService(deps: {
	store: WebhookStore;
	box: SecretBox;
	audit: AuditSink;
}) {
	const { store, box } = deps;

	async function get(projectId: number, id: number): Promise<WebhookPolicyRow> {
		const p = await store.policy(projectId, id);
		if (!p) throw notFound(`webhook policy ${id} not found`);
		return p;
	}

	/** Checks an input and gives its columns; `saved` supplies auth headers the input keeps. */
	function rowOf(input: WebhookPolicyInput, saved: StoredTarget[] = []) {
		const events = [...new Set(input.event_types)];
		if (events.length === 0)
			throw badRequest("event_types needs at least one event type");
		for (const e of events) {
			if (!eventTypes.includes(e as EventType))
				throw badRequest(
					`unknown event type ${JSON.stringify(e)}: one of ${eventTypes.join(", ")}`,
				);
		}
		if (input.targets.length === 0)
			throw badRequest("targets needs at least one target");
		const targets = input.targets.map((t, i): StoredTarget => {
			const type = (t.type ?? "http") as NotifyType;
			if (!notifyTypes.includes(type))
				throw badRequest(`targets[${i}].type must be http or slack`);
			const format = (t.payload_format || "Default") as PayloadFormat;
			if (!payloadFormats.includes(format))
				throw badRequest(
					`targets[${i}].payload_format must be Default or CloudEvents`,
				);
			if (!formatsOf[type].includes(format))
				throw badRequest(
					`targets[${i}]: a ${type} target sends ${formatsOf[type].join(" or ")}, not ${format}`,
				);
			const addr = address(t.address, i);
			const keep =
				t.auth_header === undefined || t.auth_header === maskedSecret;
			const previous = saved.find((s) => s.address === addr) ?? saved[i];
			const header = keep
				? (previous?.auth_header ?? null)
				: t.auth_header
					? box.seal(t.auth_header)
					: null;
			return {
				type,
				address: addr,
				auth_header: header,
				skip_cert_verify: t.skip_cert_verify ?? false,
				payload_format: format,
			};
		});
		return {
			name: input.name,
			description: input.description,
			enabled: input.enabled ? 1 : 0,
			event_types: JSON.stringify(events),
			targets: JSON.stringify(targets),
		};
	}

	const taken = (name: string) =>
		new ApiError(
			"CONFLICT",
			`a webhook policy named ${name} already exists in this project`,
		);
	const audit = (
		project: { id: number; name: string },
		operator: string,
		name: string,
		operation: string,
	) =>
		deps.audit.record({
			project: project.name,
			projectId: project.id,
			operator,
			resource: name,
			resourceType: "webhook_policy",
			operation,
		});

	return {
		get,
		list: (projectId: number, sort: SortKey[], limit: number, offset: number) =>
			store.listPolicies(projectId, sort, limit, offset),

		/** The input a policy was made from (auth headers masked), so an update can apply a patch over it. */
		inputOf: (p: WebhookPolicyRow): WebhookPolicyInput => ({
			name: p.name,
			description: p.description,
			enabled: p.enabled === 1,
			event_types: JSON.parse(p.event_types) as string[],
			targets: storedTargets(p).map((t) => ({ ...t, auth_header: undefined })),
		}),

		async create(
			project: { id: number; name: string },
			input: WebhookPolicyInput,
			operator: string,
		): Promise<number> {
			const row = rowOf(input);
			const t = now();
			try {
				const id = await store.createPolicy({
					...row,
					project_id: project.id,
					creator: operator,
					creation_time: t,
					update_time: t,
				});
				audit(project, operator, input.name, "create");
				return id;
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(input.name);
				throw err;
			}
		},

		async update(
			project: { id: number; name: string },
			id: number,
			input: WebhookPolicyInput,
			operator: string,
		): Promise<void> {
			const saved = await get(project.id, id);
			const row = rowOf(input, storedTargets(saved));
			try {
				await store.updatePolicy(id, { ...row, update_time: now() });
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(input.name);
				throw err;
			}
			audit(project, operator, input.name, "update");
		},

		async remove(
			project: { id: number; name: string },
			id: number,
			operator: string,
		): Promise<void> {
			const p = await get(project.id, id);
			await store.removePolicy(id);
			audit(project, operator, p.name, "delete");
		},

		/** Harbor's WebhookPolicy; a saved auth header shows as the mask. */
		json: (p: WebhookPolicyRow) => ({
			id: p.id,
			name: p.name,
			description: p.description,
			project_id: p.project_id,
			targets: storedTargets(p).map((t) => ({
				...t,
				auth_header: t.auth_header ? maskedSecret : "",
			})),
			event_types: JSON.parse(p.event_types) as string[],
			creator: p.creator,
			creation_time: p.creation_time,
			update_time: p.update_time,
			enabled: p.enabled === 1,
		}),
	};
}

export type WebhookPolicyService = ReturnType<
	typeof createWebhookPolicyService
>;
