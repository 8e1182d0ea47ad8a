import type { Generated } from "kysely";

/** The `robots` table (migration 0002); `expires_at` is unix seconds, -1 for never, as Harbor. */
export interface RobotsTable {
	id: Generated<number>;
	/** The full name a robot logs in with: `robot$ci` or `robot$library+ci`. */
	name: string;
	description: string;
	secret_hash: string;
	level: string;
	project_id: number | null;
	duration: number;
	expires_at: number;
	disabled: number;
	/** JSON: RobotPermission[]. */
	permissions: string;
	creator_type: string;
	creator_ref: number;
	creation_time: string;
	update_time: string;
}
