import type { Generated } from "kysely";

/** The `labels` table (migration 0003): scope 'g' (global, project_id 0) or 'p' (a project's). */
export interface LabelsTable {
	id: Generated<number>;
	name: string;
	description: string;
	color: string;
	scope: string;
	project_id: number;
	creation_time: string;
	update_time: string;
}

/** Labels attached to artifacts; rows go with either side. */
export interface ArtifactLabelsTable {
	artifact_id: number;
	label_id: number;
	creation_time: string;
}
