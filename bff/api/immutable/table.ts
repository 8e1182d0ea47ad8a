import type { Generated } from "kysely";

/** The `immutable_tag_rules` table (migration 0018); selectors are Harbor's JSON in canonical form. */
export interface ImmutableTagRulesTable {
	id: Generated<number>;
	project_id: number;
	disabled: number;
	priority: number;
	tag_selectors: string;
	scope_selectors: string;
	creation_time: string;
	update_time: string;
}
