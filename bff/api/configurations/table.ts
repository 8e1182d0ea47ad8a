/** The `settings` table (migration 0005): one row per changed setting; absent rows take their defaults. */
export interface SettingsTable {
	name: string;
	/** JSON of the value. */
	value: string;
	update_time: string;
}
