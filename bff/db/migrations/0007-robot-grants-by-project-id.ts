import type { Kysely } from "kysely";

type Grant = {
	kind: string;
	namespace: string;
	access: unknown[];
	projectId?: number;
};
type Db = Kysely<{
	robots: { id: number; permissions: string };
	projects: { id: number; name: string };
}>;

/**
 * Robot grants named their project only by name, so a robot granted on a deleted project reached a new project that
 * took the name. Each project grant now carries the project's id; grants on projects that are gone are dropped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
	const d = db as unknown as Db;
	const ids = new Map(
		(await d.selectFrom("projects").select(["id", "name"]).execute()).map(
			(p) => [p.name, p.id],
		),
	);
	for (const robot of await d
		.selectFrom("robots")
		.select(["id", "permissions"])
		.execute()) {
		const grants = JSON.parse(robot.permissions) as Grant[];
		const bound = grants.flatMap((g) => {
			if (g.kind !== "project" || g.namespace === "*") return [g];
			const projectId = ids.get(g.namespace);
			return projectId === undefined ? [] : [{ ...g, projectId }];
		});
		await d
			.updateTable("robots")
			.set({ permissions: JSON.stringify(bound) })
			.where("id", "=", robot.id)
			.execute();
	}
}
