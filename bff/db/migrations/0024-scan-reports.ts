import { PostgresAdapter, type Kysely } from 'kysely';

/**
 * Scan reports: an artifact's latest report of each mime type (one row, replaced by the next scan), the scan's status
 * and job, the report itself (JSON) and its summary as columns, so a page of artifacts gets its scan overviews in one
 * query by artifact id. Reports go with their artifact.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const table = pg
    ? db.schema.createTable('scan_reports').addColumn('id', 'serial', (c) => c.primaryKey())
    : db.schema.createTable('scan_reports').addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  await table
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('artifact_id', 'integer', (c) => c.notNull().references('artifacts.id').onDelete('cascade'))
    .addColumn('registration_uuid', 'text', (c) => c.notNull())
    .addColumn('mime_type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('scan_request_id', 'text')
    .addColumn('scanner', 'text')
    .addColumn('report', 'text')
    .addColumn('severity', 'text', (c) => c.notNull().defaultTo('None'))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('fixable', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('log', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('start_time', 'text', (c) => c.notNull())
    .addColumn('end_time', 'text')
    .addUniqueConstraint('scan_reports_artifact_mime', ['artifact_id', 'mime_type'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('scan_reports').execute();
}
