import { randomBytes } from "node:crypto";
import type { SecretBox } from "../../auth/secrets.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import type { ScannerStore } from "../registration-store.ts";

/** The built-in scanner's registration keeps this uuid, so it is found again whatever an admin renames it to. */
export const builtinRegistrationUuid = "5c6f0b7e-8d1a-4b7e-9f3a-77686172660a";

/**
 * Registers the built-in scanner (mounted at `url`, reached over loopback) unless it is registered already, moves its
 * address to where this process listens, and makes it the default when no registration is. Answers the API key the
 * registration calls it with (random, sealed in the registration like any adapter's credential).
 */
export async function ensureBuiltinRegistration(deps: {
	store: ScannerStore;
	box: SecretBox;
	url: string;
	metadata: unknown;
}): Promise<string> {
	const { store, box } = deps;
	let row = await store.byUuid(builtinRegistrationUuid);
	if (!row) {
		const t = now();
		try {
			await store.create({
				uuid: builtinRegistrationUuid,
				name: "Wharf built-in",
				description:
					"The scanner that comes with Wharf: OS and language packages matched against its OSV database",
				url: deps.url,
				auth: "X-ScannerAdapter-API-Key",
				access_credential: box.seal(randomBytes(32).toString("base64url")),
				// Over TLS, loopback reaches a certificate made for the public name.
				skip_cert_verify: 1,
				use_internal_addr: 1,
				disabled: 0,
				is_default: null,
				metadata: JSON.stringify(deps.metadata),
				creation_time: t,
				update_time: t,
			});
		} catch (e) {
			// Another replica registered it first.
			if (!isUniqueViolation(e)) throw e;
		}
		row = await store.byUuid(builtinRegistrationUuid);
		if (!row) throw new Error("the built-in scanner could not be registered");
	} else if (row.url !== deps.url) {
		await store.update(row.id, {
			url: deps.url,
			metadata: JSON.stringify(deps.metadata),
			update_time: now(),
		});
	}
	if (!(await store.defaultOne()) && !row.disabled)
		await store.makeDefault(row.id, now());
	return box.open(row.access_credential!);
}
