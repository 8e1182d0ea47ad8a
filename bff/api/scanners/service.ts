import { randomUUID } from "node:crypto";
import type { SecretBox } from "../../auth/secrets.ts";
import type { AuditSink } from "../../core/access.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import {
	type AdapterEndpoint,
	AdapterError,
	type AdapterMetadata,
	createAdapterClient,
} from "../../scanning/adapter-client.ts";
import type {
	ScannerRow,
	ScannerStore,
} from "../../scanning/registration-store.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";

export type RegistrationInput = {
	name: string;
	description?: string | null;
	url: string;
	auth?: string | null;
	access_credential?: string | null;
	skip_certVerify?: boolean | null;
	use_internal_addr?: boolean | null;
	disabled?: boolean | null;
};

const authTypes = ["", "Basic", "Bearer", "X-ScannerAdapter-API-Key"];
/** How a registration answers whether a credential is stored: never the credential itself. */
export const credentialMask = "*****";

const capabilityFlags = (m: AdapterMetadata | null) => ({
	support_vulnerability: !!m?.capabilities.some(
		(c) => (c.type ?? "vulnerability") === "vulnerability",
	),
	support_sbom: !!m?.capabilities.some((c) => c.type === "sbom"),
});

/** Harbor's ScannerRegistration; `health` when it was just asked. */
export function registrationJson(
	r: ScannerRow,
	health?: "healthy" | "unhealthy",
) {
	const m = r.metadata ? (JSON.parse(r.metadata) as AdapterMetadata) : null;
	return {
		uuid: r.uuid,
		name: r.name,
		description: r.description,
		url: r.url,
		disabled: !!r.disabled,
		is_default: r.is_default === 1,
		auth: r.auth,
		access_credential: r.access_credential ? credentialMask : "",
		skip_certVerify: !!r.skip_cert_verify,
		use_internal_addr: !!r.use_internal_addr,
		create_time: r.creation_time,
		update_time: r.update_time,
		adapter: m?.scanner.name ?? "",
		vendor: m?.scanner.vendor ?? "",
		version: m?.scanner.version ?? "",
		...(health ? { health } : {}),
		capabilities: capabilityFlags(m),
	};
}

/**
 * Scanner registrations (Harbor's `scanner` tag): a registration is saved only once its adapter answers its metadata
 * (so a typo in the URL is a 400, not a scanner that fails every scan); the first one is the default; the default
 * cannot be deleted or disabled while others exist to take its place; the credential is sealed and never answered.
 */
export function createScannerService(deps: {
	store: ScannerStore;
	box: SecretBox;
	audit: AuditSink;
}) {
	const { store, box } = deps;
	const endpointOf = (
		r: Pick<
			ScannerRow,
			"url" | "auth" | "access_credential" | "skip_cert_verify"
		>,
	): AdapterEndpoint => ({
		url: r.url,
		auth: r.auth,
		accessCredential: r.access_credential ? box.open(r.access_credential) : "",
		skipCertVerify: !!r.skip_cert_verify,
	});
	const record = (operator: string, resource: string, operation: string) =>
		deps.audit.record({
			project: null,
			operator,
			resource,
			resourceType: "scanner",
			operation,
		});

	async function metadataOf(e: AdapterEndpoint): Promise<AdapterMetadata> {
		const client = createAdapterClient(e);
		try {
			return await client.metadata();
		} catch (err) {
			if (err instanceof AdapterError) throw badRequest(err.message);
			throw err;
		} finally {
			await client.close();
		}
	}

	function checkAuth(input: Pick<RegistrationInput, "auth">) {
		if (input.auth && !authTypes.includes(input.auth))
			throw badRequest(
				`auth must be one of Basic, Bearer, X-ScannerAdapter-API-Key or empty, not ${JSON.stringify(input.auth)}`,
			);
	}

	const conflict = (e: unknown, name: string, url: string) => {
		if (isUniqueViolation(e))
			return new ApiError(
				"CONFLICT",
				`a scanner registration named ${name} or at ${url} already exists`,
			);
		return e;
	};

	const service = {
		async get(uuid: string): Promise<ScannerRow> {
			const r = await store.byUuid(uuid);
			if (!r) throw notFound(`scanner registration ${uuid} not found`);
			return r;
		},

		/** The adapter's metadata now; refreshes what the registration keeps of it. */
		async metadata(r: ScannerRow): Promise<AdapterMetadata> {
			const m = await metadataOf(endpointOf(r));
			await store.update(r.id, { metadata: JSON.stringify(m) });
			return m;
		},

		/** Whether the adapter answers now (for `health`). */
		async health(r: ScannerRow): Promise<"healthy" | "unhealthy"> {
			return service.metadata(r).then(
				() => "healthy" as const,
				() => "unhealthy" as const,
			);
		},

		/**
		 * POST /scanners/ping: the settings' adapter answers its metadata, or 400 saying why. Pinging for a registration
		 * being edited (`stored`) without a new credential uses the stored one, as saving would.
		 */
		async ping(
			input: Pick<RegistrationInput, "url" | "auth" | "access_credential">,
			stored?: ScannerRow,
		) {
			checkAuth(input);
			const typed =
				input.access_credential && input.access_credential !== credentialMask
					? input.access_credential
					: "";
			const credential =
				typed ||
				(input.auth && stored?.access_credential
					? box.open(stored.access_credential)
					: "");
			return metadataOf({
				url: input.url,
				auth: input.auth ?? "",
				accessCredential: credential,
				skipCertVerify: !!stored?.skip_cert_verify,
			});
		},

		async create(input: RegistrationInput, operator: string): Promise<string> {
			checkAuth(input);
			const m = await metadataOf({
				url: input.url,
				auth: input.auth ?? "",
				accessCredential: input.access_credential ?? "",
				skipCertVerify: !!input.skip_certVerify,
			});
			const t = now();
			const uuid = randomUUID();
			const first = (await store.count()) === 0;
			try {
				await store.create({
					uuid,
					name: input.name,
					description: input.description ?? "",
					url: input.url,
					auth: input.auth ?? "",
					access_credential:
						input.auth && input.access_credential
							? box.seal(input.access_credential)
							: null,
					skip_cert_verify: input.skip_certVerify ? 1 : 0,
					use_internal_addr: input.use_internal_addr ? 1 : 0,
					disabled: input.disabled ? 1 : 0,
					is_default: first ? 1 : null,
					metadata: JSON.stringify(m),
					creation_time: t,
					update_time: t,
				});
			} catch (e) {
				throw conflict(e, input.name, input.url);
			}
			record(operator, `scanner ${input.name} (${input.url})`, "create");
			return uuid;
		},

		/** PUT: every field as given; an empty credential keeps the stored one while `auth` still needs one (Harbor's rule). */
		async update(r: ScannerRow, input: RegistrationInput, operator: string) {
			checkAuth(input);
			const auth = input.auth ?? "";
			const credential = !auth
				? null
				: input.access_credential && input.access_credential !== credentialMask
					? box.seal(input.access_credential)
					: r.access_credential;
			if (input.disabled && r.is_default === 1)
				throw badRequest(
					"the default scanner cannot be disabled: make another the default first",
				);
			const next = {
				url: input.url,
				auth,
				access_credential: credential,
				skip_cert_verify: input.skip_certVerify ? 1 : 0,
			};
			const m = await metadataOf(endpointOf(next));
			try {
				await store.update(r.id, {
					...next,
					name: input.name,
					description: input.description ?? "",
					use_internal_addr: input.use_internal_addr ? 1 : 0,
					disabled: input.disabled ? 1 : 0,
					metadata: JSON.stringify(m),
					update_time: now(),
				});
			} catch (e) {
				throw conflict(e, input.name, input.url);
			}
			record(operator, `scanner ${input.name} (${input.url})`, "update");
		},

		async remove(r: ScannerRow, operator: string) {
			if (r.is_default === 1 && (await store.count()) > 1)
				throw new ApiError(
					"PRECONDITION",
					"the default scanner cannot be deleted: make another the default first",
				);
			await store.remove(r.id);
			record(operator, `scanner ${r.name} (${r.url})`, "delete");
		},

		async makeDefault(r: ScannerRow, operator: string) {
			if (r.disabled)
				throw badRequest(
					"a disabled scanner cannot be the default: enable it first",
				);
			await store.makeDefault(r.id, now());
			record(operator, `scanner ${r.name} made the default`, "update");
		},

		/** The project's scanner: its own choice, else the system default (none: undefined). */
		forProject: async (projectId: number) =>
			(await store.ofProject(projectId)) ?? (await store.defaultOne()),

		async setForProject(
			project: { id: number; name: string },
			uuid: string,
			operator: string,
		) {
			const r = await store.byUuid(uuid);
			if (!r) throw badRequest(`scanner registration ${uuid} not found`);
			if (r.disabled) throw badRequest(`scanner ${r.name} is disabled`);
			await store.setForProject(project.id, r.id);
			deps.audit.record({
				project: project.name,
				operator,
				resource: `scanner ${r.name}`,
				resourceType: "scanner",
				operation: "update",
			});
		},
	};
	return service;
}

export type ScannerService = ReturnType<typeof createScannerService>;
