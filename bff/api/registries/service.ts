import type { SecretBox } from "../../auth/secrets.ts";
import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import { createAdapterPool } from "../../replication/adapter-pool.ts";
import type {
	Adapter,
	AdapterEndpoint,
	AdapterType,
} from "../../replication/adapters/adapter.ts";
import { V2Error } from "../../replication/v2-errors.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import type { Condition, SortKey } from "../harbor-query.ts";
import type { RegistryRow, RegistryStore } from "./store.ts";

/** Harbor shows a saved secret as this mask, and a client that sends it back means "unchanged". */
export const secretMask = "*****";

/** What an endpoint is made of, as create, update and ping take it (secret in the clear, only in memory). */
export type EndpointInput = {
	name: string;
	url: string;
	type: string;
	description: string;
	credential_type: string;
	access_key: string;
	access_secret: string | null;
	insecure: boolean;
	ca_certificate: string | null;
};

/** Harbor's `Registry` model: the secret never leaves, only a mask saying there is one. */
export const registryJson = (r: RegistryRow) => ({
	id: r.id,
	name: r.name,
	url: r.url,
	type: r.type,
	description: r.description,
	insecure: r.insecure === 1,
	...(r.ca_certificate ? { ca_certificate: r.ca_certificate } : {}),
	credential: {
		type: r.credential_type,
		access_key: r.access_key,
		...(r.access_secret ? { access_secret: secretMask } : {}),
	},
	status: r.status,
	creation_time: r.creation_time,
	update_time: r.update_time,
});

/** What a live adapter was made from: any change (a new secret is sealed anew) makes a new one. */
const versionOf = (r: RegistryRow) =>
	[
		r.type,
		r.url,
		r.access_key,
		r.access_secret,
		r.insecure,
		r.ca_certificate,
		r.update_time,
	].join("\n");

/** A failed ping as the API answers it: 400 with the reason (unreachable, certificate, credentials). */
const unhealthy = (e: unknown) =>
	e instanceof V2Error
		? badRequest(`failed to ping the registry: ${e.message}`)
		: e;

/**
 * Registry endpoint rules: a name is unique; an endpoint is saved only once it answers a ping with its credentials
 * (so a typo in the URL or a wrong token creates nothing); its secret is sealed at rest.
 */
export function createRegistryService(deps: {
	store: RegistryStore;
	box: SecretBox;
	audit: AuditSink;
	types: Map<string, AdapterType>;
}) {
	const { store, box, types } = deps;
	const pool = createAdapterPool();
	/** Other slices' reasons to keep an endpoint (replication policies using it): each throws to refuse the deletion. */
	const removalChecks: ((r: RegistryRow) => Promise<void>)[] = [];

	const typeOf = (type: string): AdapterType => {
		const t = types.get(type);
		if (!t)
			throw badRequest(
				`unsupported registry type ${type} (supported: ${[...types.keys()].join(", ")})`,
			);
		return t;
	};

	const endpointOf = (
		e: Pick<
			EndpointInput,
			"url" | "access_key" | "access_secret" | "insecure" | "ca_certificate"
		>,
	): AdapterEndpoint => ({
		url: e.url,
		credential:
			e.access_key || e.access_secret
				? { username: e.access_key, password: e.access_secret ?? "" }
				: undefined,
		insecure: e.insecure,
		caCertificate: e.ca_certificate,
	});

	/** Runs `work` with an adapter for the endpoint, closing its connections after. */
	async function withAdapter<T>(
		e: Pick<
			EndpointInput,
			| "type"
			| "url"
			| "access_key"
			| "access_secret"
			| "insecure"
			| "ca_certificate"
		>,
		work: (a: Adapter) => Promise<T>,
	): Promise<T> {
		const adapter = typeOf(e.type).create(endpointOf(e));
		try {
			return await work(adapter);
		} finally {
			await adapter.close().catch(() => undefined);
		}
	}

	const inputOf = (r: RegistryRow): EndpointInput => ({
		name: r.name,
		url: r.url,
		type: r.type,
		description: r.description,
		credential_type: r.credential_type,
		access_key: r.access_key,
		access_secret: r.access_secret ? box.open(r.access_secret) : null,
		insecure: r.insecure === 1,
		ca_certificate: r.ca_certificate,
	});

	const taken = (name: string) =>
		new ApiError("CONFLICT", `a registry named ${name} already exists`);

	/** An endpoint a proxy-cache project pulls through stays until those projects are gone (Harbor answers 412 too). */
	async function refuseWhileProxied(r: RegistryRow) {
		const projects = await store.proxyProjects(r.id);
		if (projects.length) {
			throw new ApiError(
				"PRECONDITION",
				`the registry ${r.name} is used by the proxy cache project(s) ${projects.join(", ")}: delete them first`,
			);
		}
	}

	async function get(id: number): Promise<RegistryRow> {
		const r = await store.byId(id);
		if (!r) throw notFound(`registry ${id} not found`);
		return r;
	}

	/** Pings an endpoint that may not be saved yet; a V2Error becomes a 400 naming what failed. */
	async function ping(e: EndpointInput): Promise<void> {
		await withAdapter(e, (a) => a.ping()).catch((err) => {
			throw unhealthy(err);
		});
	}

	/** The live adapter of a saved endpoint (shared by checks and jobs, so its tokens are reused). */
	const adapterOf = (r: RegistryRow): Adapter =>
		pool.get(r.id, versionOf(r), () =>
			typeOf(r.type).create(endpointOf(inputOf(r))),
		);

	/** Pings and records the answer as the endpoint's status; never throws for an unhealthy remote. */
	async function check(r: RegistryRow): Promise<"healthy" | "unhealthy"> {
		const status = await adapterOf(r)
			.ping()
			.then(
				() => "healthy" as const,
				() => "unhealthy" as const,
			);
		await store.update(r.id, { status, status_checked_at: now() });
		return status;
	}

	return {
		types,
		list: (
			name: string | undefined,
			conditions: Condition[],
			sort: SortKey[],
			limit: number,
			offset: number,
		) => store.list(name, conditions, sort, limit, offset),
		get,
		/** The endpoint's saved fields with its secret opened: for replication and the proxy cache, never for a response. */
		endpoint: async (id: number) => inputOf(await get(id)),
		/** The endpoint's live adapter, for replication and the proxy cache. */
		adapter: async (id: number) => adapterOf(await get(id)),
		/**
		 * A new adapter of a saved endpoint with client options of the caller's own (the proxy cache: its connection limit,
		 * no retries); the caller closes it, and makes another when the endpoint's update_time moves.
		 */
		async ownAdapter(
			id: number,
			options: Pick<AdapterEndpoint, "maxConnections" | "retries">,
		): Promise<Adapter> {
			const r = await get(id);
			return typeOf(r.type).create({ ...endpointOf(inputOf(r)), ...options });
		},

		ping,

		async create(e: EndpointInput, operator: string): Promise<number> {
			typeOf(e.type);
			await ping(e);
			const t = now();
			try {
				const id = await store.create({
					name: e.name,
					url: e.url,
					type: e.type,
					description: e.description,
					credential_type: e.credential_type,
					access_key: e.access_key,
					access_secret: e.access_secret ? box.seal(e.access_secret) : null,
					insecure: e.insecure ? 1 : 0,
					ca_certificate: e.ca_certificate,
					status: "healthy",
					status_checked_at: t,
					creation_time: t,
					update_time: t,
				});
				deps.audit.record({
					project: null,
					operator,
					resource: e.name,
					resourceType: "registry",
					operation: "create",
				});
				return id;
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(e.name);
				throw err;
			}
		},

		/** Applies `patch` over the saved endpoint; a change to how it is reached is pinged first and saved only if it answers. */
		async update(
			id: number,
			patch: Partial<EndpointInput>,
			operator: string,
		): Promise<void> {
			const row = await get(id);
			const saved = inputOf(row);
			const next: EndpointInput = { ...saved, ...patch };
			// Only a change to how the remote is reached is pinged: a new description saves even while the remote is down.
			const reached = (
				[
					"url",
					"access_key",
					"access_secret",
					"insecure",
					"ca_certificate",
					"credential_type",
				] as const
			).some((k) => next[k] !== saved[k]);
			if (reached) await ping(next);
			const t = now();
			try {
				await store.update(id, {
					name: next.name,
					url: next.url,
					description: next.description,
					credential_type: next.credential_type,
					access_key: next.access_key,
					access_secret: next.access_secret
						? box.seal(next.access_secret)
						: null,
					insecure: next.insecure ? 1 : 0,
					ca_certificate: next.ca_certificate,
					update_time: t,
					...(reached ? { status: "healthy", status_checked_at: t } : {}),
				});
			} catch (err) {
				if (isUniqueViolation(err)) throw taken(next.name);
				throw err;
			}
			deps.audit.record({
				project: null,
				operator,
				resource: next.name,
				resourceType: "registry",
				operation: "update",
			});
		},

		/** Adds a check run before an endpoint is deleted; it throws (412) while the endpoint is in use. */
		refuseRemovalWhile(check: (r: RegistryRow) => Promise<void>) {
			removalChecks.push(check);
		},

		async remove(id: number, operator: string): Promise<void> {
			const row = await get(id);
			await refuseWhileProxied(row);
			for (const check of removalChecks) await check(row);
			await store.remove(id);
			await pool.drop(id);
			deps.audit.record({
				project: null,
				operator,
				resource: row.name,
				resourceType: "registry",
				operation: "delete",
			});
		},

		info(r: RegistryRow) {
			return { type: r.type, ...typeOf(r.type).info };
		},

		/** Closes every live adapter's connections (at shutdown). */
		close: () => pool.closeAll(),

		/** One round of health checks over every endpoint (the background check's work). */
		async checkAll(): Promise<void> {
			for (const r of await store.all()) await check(r).catch(() => undefined);
		},
	};
}

export type RegistryService = ReturnType<typeof createRegistryService>;
