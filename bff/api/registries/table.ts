import type { Generated } from "kysely";

/** The `registries` table (migration 0012): one row per registry endpoint. */
export interface RegistriesTable {
	id: Generated<number>;
	name: string;
	url: string;
	/** Harbor's adapter type: harbor, docker-registry, docker-hub… */
	type: string;
	description: string;
	/** basic, oauth or secret (Harbor's credential types). */
	credential_type: string;
	access_key: string;
	/** Sealed by the master key (SecretBox); null: no secret. */
	access_secret: string | null;
	insecure: number;
	ca_certificate: string | null;
	/** healthy, unhealthy, or unknown before the first check. */
	status: string;
	status_checked_at: string | null;
	creation_time: string;
	update_time: string;
}
