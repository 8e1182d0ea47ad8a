import type { Generated } from "kysely";

/** The `oidc_users` table (migration 0026): Harbor's oidc_user. `secret` and `token` are sealed (auth/secrets.ts). */
export interface OidcUsersTable {
	id: Generated<number>;
	user_id: number;
	/** The ID token's `sub` and `iss`, as Harbor joins them (sub then iss). */
	subiss: string;
	/** The CLI secret, sealed. */
	secret: string;
	/** The last ID token, sealed; null until one was had. */
	token: string | null;
	creation_time: string;
	update_time: string;
}
