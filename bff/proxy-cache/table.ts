/** The `proxy_tag_checks` table (migration 0014): what the upstream last said a proxied tag points at, and when. */
export interface ProxyTagChecksTable {
	project_id: number;
	/** The repository's name at the upstream. */
	repository: string;
	tag: string;
	/** Null: the upstream had no such tag. */
	digest: string | null;
	media_type: string | null;
	size: number | null;
	checked_at: string;
}
