/**
 * Management-API benchmark (`npm run bench:api`): seeds 100,000 artifacts (tagged) in one repository, 10,000 projects
 * and 1,000,000 audit-log rows straight into the metadata database, then times the console's heaviest lists over HTTP
 * on SQLite and on Postgres, sequentially, and prints p50/p95 per query against the issue's targets.
 * A script, not a test: it asserts nothing. Knobs: BENCH_API_ENGINES (sqlite,postgres), BENCH_API_SAMPLES (40).
 */
import { sql } from 'kysely';
import { adminAuth, startTestServer, stopTestServer, type Engine, type TestServer } from '../test/harness.ts';
import type { Db } from '../db/database.ts';

const artifacts = 100_000;
const projects = 10_000;
const auditRows = 1_000_000;
const samples = Number(process.env.BENCH_API_SAMPLES ?? 40);
const engines = (process.env.BENCH_API_ENGINES ?? 'sqlite,postgres').split(',') as Engine[];

/** Per-engine SQL for "the n-th digest" and "n seconds ago as an ISO string". */
function dialect(engine: Engine) {
  return engine === 'sqlite'
    ? { digest: (x: string) => `'sha256:' || printf('%064x', ${x})`, ago: (x: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || ${x} || ' seconds')`, series: (n: number) => `with recursive s(x) as (select 1 union all select x + 1 from s where x < ${n})`, from: 'from s' }
    : { digest: (x: string) => `'sha256:' || lpad(to_hex(${x}), 64, '0')`, ago: (x: string) => `to_char((now() at time zone 'utc') - make_interval(secs => ${x}), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`, series: (_n: number) => '', from: `from generate_series(1, __N__) as s(x)` };
}

async function seed(db: Db, engine: Engine) {
  const d = dialect(engine);
  const run = (n: number, body: (from: string) => string) => sql.raw(`${d.series(n)} ${body(d.from.replace('__N__', String(n)))}`).execute(db);
  const t = new Date().toISOString();
  const project = await db.insertInto('projects').values({ name: 'bench', owner_id: 1, public: 0, creation_time: t, update_time: t }).returning('id').executeTakeFirstOrThrow();
  const repo = await db.insertInto('repositories').values({ project_id: project.id, name: 'bench/big', description: '', pull_count: 0, creation_time: t, update_time: t }).returning('id').executeTakeFirstOrThrow();
  await run(artifacts, (from) => `insert into artifacts (project_id, repository_id, digest, type, media_type, manifest_media_type, artifact_type, size, subject_digest, annotations, push_time, pull_time)
    select ${project.id}, ${repo.id}, ${d.digest('x')}, 'IMAGE', 'application/vnd.oci.image.config.v1+json', 'application/vnd.oci.image.manifest.v1+json', null, 1000 + x, null, null, ${d.ago('x')}, null ${from}`);
  await sql.raw(`insert into tags (repository_id, artifact_id, name, push_time, pull_time) select repository_id, id, 'v' || id, push_time, null from artifacts where repository_id = ${repo.id}`).execute(db);
  await run(projects, (from) => `insert into projects (name, owner_id, public, creation_time, update_time) select 'p' || x, 1, x % 2, ${d.ago('x')}, ${d.ago('x')} ${from}`);
  await run(auditRows, (from) => `insert into audit_logs (project_id, username, resource, resource_type, operation, op_time)
    select ${project.id}, 'user' || (x % 50), 'bench/big:v' || x, 'artifact', case x % 4 when 0 then 'create' when 1 then 'delete' else 'pull' end, ${d.ago('x')} ${from}`);
  if (engine === 'postgres') await sql`analyze`.execute(db);
}

async function time(s: TestServer, path: string): Promise<{ p50: number; p95: number; total: string | null }> {
  const ms: number[] = [];
  let total: string | null = null;
  for (let i = 0; i < samples + 3; i++) {
    const start = performance.now();
    const r = await fetch(`${s.url}/api/v2.0${path}`, { headers: { Authorization: adminAuth } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${path}: ${r.status}`);
    total = r.headers.get('x-total-count');
    if (i >= 3) ms.push(performance.now() - start); // the first calls warm caches
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(ms.length * 0.5)], p95: ms[Math.min(ms.length - 1, Math.ceil(ms.length * 0.95) - 1)], total };
}

const dayAgo = new Date(Date.now() - 86_400_000).toISOString().replace('T', ' ').slice(0, 19);
const hourAgo = new Date(Date.now() - 3_600_000).toISOString().replace('T', ' ').slice(0, 19);
const queries: { what: string; path: string; target: number }[] = [
  { what: 'artifacts page 1 (50, with tags)', path: '/projects/bench/repositories/big/artifacts?page=1&page_size=50&with_tag=true', target: 50 },
  { what: 'artifacts page 1000 (50, with tags)', path: '/projects/bench/repositories/big/artifacts?page=1000&page_size=50&with_tag=true', target: 50 },
  { what: 'projects page 1 (50)', path: '/projects?page=1&page_size=50', target: 50 },
  { what: 'projects page 100 (50)', path: '/projects?page=100&page_size=50', target: 50 },
  { what: 'audit log: operation + time range', path: `/audit-logs?page=1&page_size=50&q=${encodeURIComponent(`operation=delete,op_time=[${dayAgo}~${hourAgo}]`)}`, target: 100 },
  { what: 'audit log: operation only', path: `/audit-logs?page=1&page_size=50&q=${encodeURIComponent('operation=pull')}`, target: 100 },
];

const rows: string[] = [];
for (const engine of engines) {
  const s = await startTestServer(engine);
  try {
    const started = performance.now();
    await seed(s.db, engine);
    process.stderr.write(`${engine}: seeded ${artifacts} artifacts, ${projects} projects, ${auditRows} audit rows in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    for (const q of queries) {
      const r = await time(s, q.path);
      rows.push(`${engine.padEnd(9)} ${q.what.padEnd(38)} p50 ${r.p50.toFixed(1).padStart(6)} ms  p95 ${r.p95.toFixed(1).padStart(6)} ms  target < ${q.target} ms  ${r.p95 < q.target ? 'PASS' : 'FALL SHORT'}  (X-Total-Count ${r.total})`);
    }
  } finally {
    await stopTestServer(s);
  }
}
console.log(`\nManagement API, sequential requests, ${samples} samples each (after 3 warm-up calls)\n`);
console.log(rows.join('\n'));
