import { diskFullMessage } from "../db/disk-full.ts";

/** The OCI distribution error codes, with the status each answers with. */
export const ociCodes = {
	BLOB_UNKNOWN: 404,
	BLOB_UPLOAD_INVALID: 400,
	BLOB_UPLOAD_UNKNOWN: 404,
	DIGEST_INVALID: 400,
	MANIFEST_BLOB_UNKNOWN: 400,
	MANIFEST_INVALID: 400,
	MANIFEST_UNKNOWN: 404,
	NAME_INVALID: 400,
	NAME_UNKNOWN: 404,
	SIZE_INVALID: 400,
	UNAUTHORIZED: 401,
	DENIED: 403,
	UNSUPPORTED: 415,
	TOOMANYREQUESTS: 429,
	RANGE_INVALID: 416,
	PRECONDITION: 412,
	/** Harbor's code for a pull its project's policy refuses (a vulnerable or unscanned image). */
	PROJECTPOLICYVIOLATION: 412,
	UNKNOWN: 500,
	/** distribution's code for a registry that cannot answer now (a proxy cache whose upstream is down). */
	UNAVAILABLE: 503,
} as const;

export type OciCode = keyof typeof ociCodes;

export class RegistryError extends Error {
	readonly status: number;
	constructor(
		readonly code: OciCode,
		message: string,
		readonly detail?: unknown,
		status?: number,
	) {
		super(message);
		this.status = status ?? ociCodes[code];
	}
	toJSON() {
		return {
			errors: [
				{
					code: this.code,
					message: this.message,
					...(this.detail === undefined ? {} : { detail: this.detail }),
				},
			],
		};
	}
}

export const unknownBlob = (digest: string) =>
	new RegistryError("BLOB_UNKNOWN", "blob unknown to registry", { digest });
export const unknownManifest = (reference: string) =>
	new RegistryError("MANIFEST_UNKNOWN", "manifest unknown", { reference });
export const unknownName = (name: string) =>
	new RegistryError("NAME_UNKNOWN", "repository name not known to registry", {
		name,
	});
export const unknownUpload = () =>
	new RegistryError("BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");

/** 507 Insufficient Storage; DENIED rather than UNKNOWN so clients stop instead of retrying into a full disk. */
export const diskFull = () =>
	new RegistryError("DENIED", diskFullMessage, undefined, 507);

/** A tag an immutable tag rule protects (DENIED on /v2; the API answers it as Harbor's 412). */
export class ImmutableTagError extends RegistryError {
	constructor(
		repository: string,
		tag: string,
		verb: "overwritten" | "deleted",
	) {
		super(
			"DENIED",
			`The tag ${repository}:${tag} is immutable, cannot be ${verb}`,
			{ repository, tag },
		);
	}
}
