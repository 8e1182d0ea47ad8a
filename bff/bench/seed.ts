import { sql } from "kysely";
import type { Db } from "../db/database.ts";
import type { Engine } from "../test/harness.ts";

/** Per-engine SQL for "the n-th digest" and "n seconds ago as an ISO string". */
function dialect(engine: Engine) {
	return engine === "sqlite"
		? {
				digest: (x: string) => `'sha256:' || printf('%064x', ${x})`,
				ago: (x: string) =>
					`strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ${x} || ' seconds')`,
				series: (n: number) =>
					`with recursive s(x) as (select 1 union all select x + 1 from s where x < ${n})`,
				from: "from s",
			}
		: {
				digest: (x: string) => `'sha256:' || lpad(to_hex(${x}), 64, '0')`,
				ago: (x: string) =>
					`to_char((now() at time zone 'utc') - make_interval(secs => ${x}), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
				series: (_n: number) => "",
				from: `from generate_series(1, __N__) as s(x)`,
			};
}

/**
 * Seeds a benchmark's data straight into the metadata database: `artifacts` tagged artifacts in the repository
 * `bench/big`, `projects` projects `p1…pN`, and `auditRows` audit rows (create/delete/pull over the last seconds).
 */
export async function seedBench(
	db: Db,
	engine: Engine,
	counts: { artifacts: number; projects: number; auditRows: number },
) {
	const { artifacts, projects, auditRows } = counts;
	const d = dialect(engine);
	const run = (n: number, body: (from: string) => string) =>
		sql
			.raw(`${d.series(n)} ${body(d.from.replace("__N__", String(n)))}`)
			.execute(db);
	const t = new Date().toISOString();
	const project = await db
		.insertInto("projects")
		.values({
			name: "bench",
			owner_id: 1,
			public: 0,
			creation_time: t,
			update_time: t,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	const repo = await db
		.insertInto("repositories")
		.values({
			project_id: project.id,
			name: "bench/big",
			description: "",
			pull_count: 0,
			creation_time: t,
			update_time: t,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	await run(
		artifacts,
		(
			from,
		) => `insert into artifacts (project_id, repository_id, digest, type, media_type, manifest_media_type, artifact_type, size, subject_digest, annotations, push_time, pull_time)
    select ${project.id}, ${repo.id}, ${d.digest("x")}, 'IMAGE', 'application/vnd.oci.image.config.v1+json', 'application/vnd.oci.image.manifest.v1+json', null, 1000 + x, null, null, ${d.ago("x")}, null ${from}`,
	);
	await sql
		.raw(
			`insert into tags (repository_id, artifact_id, name, push_time, pull_time) select repository_id, id, 'v' || id, push_time, null from artifacts where repository_id = ${repo.id}`,
		)
		.execute(db);
	await run(
		projects,
		(from) =>
			`insert into projects (name, owner_id, public, creation_time, update_time) select 'p' || x, 1, x % 2, ${d.ago("x")}, ${d.ago("x")} ${from}`,
	);
	await run(
		auditRows,
		(
			from,
		) => `insert into audit_logs (project_id, username, resource, resource_type, operation, op_time)
    select ${project.id}, 'user' || (x % 50), 'bench/big:v' || x, 'artifact', case x % 4 when 0 then 'create' when 1 then 'delete' else 'pull' end, ${d.ago("x")} ${from}`,
	);
	if (engine === "postgres") await sql`analyze`.execute(db);
}
