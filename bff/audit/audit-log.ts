import type { Db } from '../db/database.ts';
import type { AuditSink } from '../core/access.ts';

export type AuditEvent = {
  project: string | null;
  projectId?: number;
  operator: string;
  resource: string;
  resourceType: string;
  operation: string;
};

/**
 * The audit log. Events are buffered and written a few times a second in one transaction, so a pull never waits
 * on an insert; `flush` is called at shutdown.
 */
export function createAuditLog(db: Db, opts: { flushMs?: number; disabledEventTypes?: () => Promise<string> } = {}) {
  const flushMs = opts.flushMs ?? 250;
  let pending: (AuditEvent & { time: string })[] = [];
  let flushing: Promise<void> = Promise.resolve();

  async function write(all: (AuditEvent & { time: string })[]) {
    // Harbor's `disabled_audit_log_event_types`: `<operation>_<resource_type>` names left out of the log.
    const off = new Set((await opts.disabledEventTypes?.() ?? '').split(',').filter(Boolean));
    const batch = all.filter((e) => !off.has(`${e.operation}_${e.resourceType}`));
    if (batch.length === 0) return;
    const names = [...new Set(batch.filter((e) => e.projectId === undefined).map((e) => e.project).filter((p): p is string => !!p))];
    const ids = names.length
      ? new Map((await db.selectFrom('projects').select(['id', 'name']).where('name', 'in', names).execute()).map((p) => [p.name, p.id]))
      : new Map<string, number>();
    await db.insertInto('audit_logs').values(batch.map((e) => ({
      project_id: e.projectId ?? ((e.project && ids.get(e.project)) || 0), username: e.operator, resource: e.resource,
      resource_type: e.resourceType, operation: e.operation, op_time: e.time,
    }))).execute();
  }

  const flush = () => {
    if (pending.length === 0) return flushing;
    const batch = pending;
    pending = [];
    flushing = flushing.then(() => write(batch)).catch(() => { pending.unshift(...batch.slice(0, 10_000)); });
    return flushing;
  };
  const timer = setInterval(flush, flushMs);
  timer.unref();

  const log = {
    record(e: AuditEvent) {
      pending.push({ ...e, time: new Date().toISOString() });
      if (pending.length >= 1000) void flush();
    },
    flush,
    async close() { clearInterval(timer); await flush(); },
  };
  const sink: AuditSink = { record: (e) => log.record(e) };
  return { ...log, sink };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
