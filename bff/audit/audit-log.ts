import type { AuditSink } from "../core/access.ts";
import type { Db } from "../db/database.ts";
import type { SyslogForwarder } from "./syslog.ts";

export type AuditEvent = {
	project: string | null;
	projectId?: number;
	operator: string;
	resource: string;
	resourceType: string;
	operation: string;
	/** What changed, in a few words (`sysadmin_flag: false → true`), when the operation and resource do not say it. */
	description?: string;
};

export type AuditSettings = {
	disabledEventTypes: string;
	forwardEndpoint: string;
	skipDatabase: boolean;
};

/**
 * The audit log. Events are buffered and written a few times a second in one transaction, so a pull never waits
 * on an insert (nor on a syslog endpoint: forwarding only queues, see syslog.ts); `flush` is called at shutdown.
 */
export function createAuditLog(
	db: Db,
	opts: {
		flushMs?: number;
		/** The settings that steer the log (Harbor's `disabled_audit_log_event_types`, `audit_log_forward_endpoint`, `skip_audit_log_database`). */
		settings?: () => Promise<AuditSettings>;
		/** Where events go when an endpoint is set. */
		forwarder?: Pick<SyslogForwarder, "send">;
	} = {},
) {
	const flushMs = opts.flushMs ?? 250;
	let pending: (AuditEvent & { time: string })[] = [];
	let flushing: Promise<void> = Promise.resolve();

	async function write(all: (AuditEvent & { time: string })[]) {
		const settings = await opts.settings?.();
		// Harbor's `disabled_audit_log_event_types`: `<operation>_<resource_type>` names left out of the log, and not forwarded.
		const off = new Set(
			(settings?.disabledEventTypes ?? "").split(",").filter(Boolean),
		);
		const batch = all.filter(
			(e) => !off.has(`${e.operation}_${e.resourceType}`),
		);
		if (batch.length === 0) return;
		const endpoint = settings?.forwardEndpoint ?? "";
		// Harbor's `skip_audit_log_database`: with an endpoint, the events go to syslog only.
		if (!(endpoint && settings?.skipDatabase)) await insert(batch);
		if (endpoint)
			opts.forwarder?.send(
				endpoint,
				batch.map((e) => ({
					operator: e.operator,
					resource: e.resource,
					resourceType: e.resourceType,
					operation: e.operation,
					time: e.time,
				})),
			);
	}

	async function insert(batch: (AuditEvent & { time: string })[]) {
		const names = [
			...new Set(
				batch
					.filter((e) => e.projectId === undefined)
					.map((e) => e.project)
					.filter((p): p is string => !!p),
			),
		];
		const ids = names.length
			? new Map(
					(
						await db
							.selectFrom("projects")
							.select(["id", "name"])
							.where("name", "in", names)
							.execute()
					).map((p) => [p.name, p.id]),
				)
			: new Map<string, number>();
		await db
			.insertInto("audit_logs")
			.values(
				batch.map((e) => ({
					project_id: e.projectId ?? ((e.project && ids.get(e.project)) || 0),
					username: e.operator,
					resource: e.resource,
					resource_type: e.resourceType,
					operation: e.operation,
					op_time: e.time,
					description: e.description ?? null,
				})),
			)
			.execute();
	}

	const flush = () => {
		if (pending.length === 0) return flushing;
		const batch = pending;
		pending = [];
		flushing = flushing
			.then(() => write(batch))
			.catch(() => {
				pending.unshift(...batch.slice(0, 10_000));
			});
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
		async close() {
			clearInterval(timer);
			await flush();
		},
	};
	const sink: AuditSink = { record: (e) => log.record(e) };
	return { ...log, sink };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
