import type { Db } from "../../db/database.ts";
import { containsIgnoringCase } from "../../db/sql-match.ts";
import {
	type ProjectVisibility,
	visibleProjects,
} from "../projects/visibility.ts";
import { artifactCount } from "../repositories/store.ts";

/** SQL for search and statistics, always within what the caller may see. */
export function createSearchStore(db: Db) {
	return {
		/** Repositories whose name contains `q`, in projects the caller sees, by name. */
		async repositories(
			visibility: ProjectVisibility,
			q: string,
			limit: number,
		) {
			const rows = await db
				.selectFrom("repositories")
				.innerJoin("projects", "projects.id", "repositories.project_id")
				.select([
					"projects.id as project_id",
					"projects.name as project_name",
					"projects.public as project_public",
					"repositories.name as repository_name",
					"repositories.pull_count",
				])
				.select(artifactCount)
				.where((eb) => visibleProjects(eb, visibility))
				.where(containsIgnoringCase("repositories.name", q))
				.orderBy("repositories.name")
				.limit(limit)
				.execute();
			return rows.map((r) => ({
				project_id: r.project_id,
				project_name: r.project_name,
				project_public: r.project_public === 1,
				repository_name: r.repository_name,
				pull_count: Number(r.pull_count),
				artifact_count: Number(r.artifact_count ?? 0),
			}));
		},

		/** Projects and repositories the caller sees, split into public and private. */
		async counts(visibility: ProjectVisibility) {
			const projects = await db
				.selectFrom("projects")
				.select(["public", (eb) => eb.fn.countAll<number>().as("n")])
				.where((eb) => visibleProjects(eb, visibility))
				.groupBy("public")
				.execute();
			const repositories = await db
				.selectFrom("repositories")
				.innerJoin("projects", "projects.id", "repositories.project_id")
				.select(["projects.public", (eb) => eb.fn.countAll<number>().as("n")])
				.where((eb) => visibleProjects(eb, visibility))
				.groupBy("projects.public")
				.execute();
			const pick = (rows: { public: number; n: number }[], pub: number) =>
				Number(rows.find((r) => r.public === pub)?.n ?? 0);
			return {
				publicProjects: pick(projects, 1),
				privateProjects: pick(projects, 0),
				publicRepositories: pick(repositories, 1),
				privateRepositories: pick(repositories, 0),
			};
		},
	};
}
