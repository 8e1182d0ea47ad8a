import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query';
import type { Paged } from '../api/client.ts';
import { isLive, parametersOf, type SystemRun } from '../api/system-runs.ts';
import { Button } from './button.tsx';
import { DataTable, type Column } from './data-table.tsx';
import { Dialog } from './dialog.tsx';
import { ErrorMessage } from './error-message.tsx';
import { formatTime } from './format.ts';

const tones: Record<SystemRun['job_status'], string> = {
  Success: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/40 dark:text-emerald-200',
  Error: 'bg-red-100 text-red-900 dark:bg-red-900/40 dark:text-red-200',
  Stopped: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  Pending: 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200',
  Running: 'bg-sky-100 text-sky-900 dark:bg-sky-900/40 dark:text-sky-200',
};

/** A system run's status (garbage collection, audit-log purge) in words and colour, with its progress while it runs. */
export function RunStatus({ run }: { run: SystemRun }) {
  const { t } = useTranslation();
  return (
    <div className="flex items-center gap-2">
      <span className={`rounded px-2 py-0.5 text-sm ${tones[run.job_status]}`} data-status={run.job_status}>{t(`runs.status.${run.job_status}`)}</span>
      {run.job_status === 'Running' && (
        <>
          <progress className="h-2 w-24" max={100} value={run.progress ?? 0} aria-label={t('runs.progressOf', { id: run.id })} />
          <span className="text-sm tabular-nums">{run.progress ?? 0}%</span>
        </>
      )}
    </div>
  );
}

/** A system run's plain-text log (refreshed by its query while the run is live). */
function RunLogDialog({ title, log, testId, onClose }: { title: string; log: UseQueryResult<string>; testId: string; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <Dialog open wide title={title} onClose={onClose}>
      {log.error ? <ErrorMessage error={log.error} /> : (
        <pre className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-slate-50 p-3 font-mono text-xs dark:bg-slate-950" data-testid={testId}>
          {log.data === undefined ? t('runs.loading') : log.data || t('runs.emptyLog')}
        </pre>
      )}
    </Dialog>
  );
}

/**
 * A system run's history columns: the run, its kind (a dry run marked, and what `badges` adds), its status, what it did
 * (`result`, the kind's own column), when it started and last changed, and its log and stop buttons.
 */
function useRunColumns<R extends SystemRun>(p: {
  result: Column<R>;
  badges?: (run: R) => ReactNode;
  onLog: (run: R) => void;
  stop: UseMutationResult<unknown, Error, number>;
}): Column<R>[] {
  const { t, i18n } = useTranslation();
  return [
    { id: 'id', header: t('runs.id'), cell: ({ row }) => <span className="tabular-nums">#{row.original.id}</span> },
    {
      id: 'kind', header: t('runs.kind'),
      cell: ({ row }) => (
        <span className="text-sm">
          {t(`runs.kind.${row.original.job_kind}`)}
          {parametersOf<{ dry_run: boolean }>(row.original).dry_run && (
            <span className="ml-2 rounded bg-violet-100 px-1.5 py-0.5 text-xs text-violet-900 dark:bg-violet-900/40 dark:text-violet-200">{t('runs.dryRunBadge')}</span>
          )}
          {p.badges?.(row.original)}
        </span>
      ),
    },
    { id: 'status', header: t('runs.statusHeader'), cell: ({ row }) => <RunStatus run={row.original} /> },
    p.result,
    { id: 'created', header: t('runs.created'), cell: ({ row }) => formatTime(row.original.creation_time, i18n.language, { seconds: true }) },
    { id: 'updated', header: t('runs.updated'), cell: ({ row }) => formatTime(row.original.update_time, i18n.language, { seconds: true }) },
    {
      id: 'actions', header: t('common.actions'), meta: { className: 'whitespace-nowrap text-right' },
      cell: ({ row }) => (
        <div className="flex justify-end gap-1">
          <Button variant="ghost" className="-my-1.5" onClick={() => p.onLog(row.original)} aria-label={t('runs.logNamed', { id: row.original.id })}>{t('runs.log')}</Button>
          {isLive(row.original) && (
            <Button variant="ghost" className="-my-1.5" disabled={p.stop.isPending} onClick={() => p.stop.mutate(row.original.id)}
              aria-label={t('runs.stopNamed', { id: row.original.id })}>{t('runs.stop')}</Button>
          )}
        </div>
      ),
    },
  ];
}

/**
 * A system run's history (garbage collection, audit-log purge): a page of runs with the shared columns and the kind's
 * own `result`, the stop button's error, and the log of the run the user opens (live while the run is).
 */
export function RunHistory<R extends SystemRun>(p: {
  title: string;
  history: UseQueryResult<Paged<R>>;
  page: number;
  pageSize: number;
  onPage: (page: number) => void;
  stop: UseMutationResult<unknown, Error, number>;
  result: Column<R>;
  badges?: (run: R) => ReactNode;
  useLog: (id: number, live: boolean) => UseQueryResult<string>;
  logTitle: (id: number) => string;
  testIds: { row: string; log: string };
  empty: ReactNode;
  /** Shown above the table once the page has loaded (GC's chart of what it freed). */
  above?: (runs: R[]) => ReactNode;
}) {
  const [logOf, setLogOf] = useState<R | null>(null);
  const columns = useRunColumns<R>({ result: p.result, badges: p.badges, stop: p.stop, onLog: setLogOf });
  const shown = logOf && (p.history.data?.items.find((r) => r.id === logOf.id) ?? logOf);
  return (
    <>
      <h2 className="mb-2 mt-6 text-lg font-semibold">{p.title}</h2>
      {p.stop.error ? <div className="mb-2"><ErrorMessage error={p.stop.error} /></div> : null}
      {p.history.data && p.above?.(p.history.data.items)}
      <DataTable label={p.title} columns={columns} rows={p.history.data?.items} rowKey={(r) => r.id}
        isPending={p.history.isPending} error={p.history.error} rowTestId={p.testIds.row}
        total={p.history.data?.total} page={p.page} pageSize={p.pageSize} onPage={p.onPage} empty={p.empty} />
      {shown && <RunLog run={shown} useLog={p.useLog} title={p.logTitle(shown.id)} testId={p.testIds.log} onClose={() => setLogOf(null)} />}
    </>
  );
}

function RunLog<R extends SystemRun>(p: { run: R; useLog: (id: number, live: boolean) => UseQueryResult<string>; title: string; testId: string; onClose: () => void }) {
  return <RunLogDialog title={p.title} log={p.useLog(p.run.id, isLive(p.run))} testId={p.testId} onClose={p.onClose} />;
}
