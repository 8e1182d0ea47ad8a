/** The `quotas` table (migration 0004): a project's hard storage limit in bytes, -1 for unlimited. */
export interface QuotasTable {
	project_id: number;
	hard_storage: number;
	creation_time: string;
	update_time: string;
}
