import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  parametersOf, useGcHistory, useGcLog, useGcSchedule, useRunGc, useSaveGcSchedule, useStopGc,
  type GcRun, type GcScheduleType,
} from '../../api/gc.ts';
import { Button } from '../../components/button.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';
import { inputClass } from '../../components/field.tsx';
import { formatBytes, formatTime } from '../../components/format.ts';
import { RunHistory } from '../../components/system-runs.tsx';
import { ScheduleFields } from '../../components/schedule-fields.tsx';
import { FreedChart } from './freed-chart.tsx';

const pageSize = 10;
const scheduleTypes: GcScheduleType[] = ['None', 'Hourly', 'Daily', 'Weekly', 'Custom'];
const live = (r: GcRun) => r.job_status === 'Pending' || r.job_status === 'Running';

/** /admin/gc: run garbage collection now (or a dry run), its schedule, and its history with what each run freed and its log. */
export default function GcPage() {
  const { t } = useTranslation();
  return (
    <section>
      <h1 className="mb-1 text-2xl font-semibold">{t('nav.admin.gc')}</h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-300">{t('gc.intro')}</p>
      <div className="grid gap-4 md:grid-cols-2">
        <RunNow />
        <Schedule />
      </div>
      <History />
    </section>
  );
}

function WorkersSelect({ value, onChange }: { value: number; onChange: (n: number) => void }) {
  const { t } = useTranslation();
  return (
    <label className="flex items-center gap-2 text-sm">
      {t('gc.workers')}
      <select className={inputClass} value={value} onChange={(e) => onChange(Number(e.target.value))}>
        {[1, 2, 3, 4, 5].map((n) => <option key={n} value={n}>{n}</option>)}
      </select>
    </label>
  );
}

function RunNow() {
  const { t } = useTranslation();
  const [deleteUntagged, setDeleteUntagged] = useState(false);
  const [workers, setWorkers] = useState(1);
  const run = useRunGc();
  const start = (dry: boolean) => run.mutate({ delete_untagged: deleteUntagged, dry_run: dry, workers });
  return (
    <div className="rounded border border-slate-200 p-4 dark:border-slate-700" data-testid="gc-run-now">
      <h2 className="mb-3 text-lg font-semibold">{t('gc.runNow')}</h2>
      <label className="mb-2 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={deleteUntagged} onChange={(e) => setDeleteUntagged(e.target.checked)} />
        {t('gc.deleteUntagged')}
      </label>
      <WorkersSelect value={workers} onChange={setWorkers} />
      <div className="mt-3 flex gap-2">
        <Button disabled={run.isPending} onClick={() => start(false)}>{t('gc.run')}</Button>
        <Button variant="secondary" disabled={run.isPending} onClick={() => start(true)}>{t('gc.dryRun')}</Button>
      </div>
      {run.error ? <div className="mt-2"><ErrorMessage error={run.error} /></div> : null}
    </div>
  );
}

function Schedule() {
  const { t, i18n } = useTranslation();
  const current = useGcSchedule();
  const save = useSaveGcSchedule();
  const [type, setType] = useState<GcScheduleType>('None');
  const [cron, setCron] = useState('');
  const [deleteUntagged, setDeleteUntagged] = useState(false);
  const [workers, setWorkers] = useState(1);
  // The form starts from what is saved, and again after each save.
  useEffect(() => {
    if (!current.data) return;
    const p = parametersOf(current.data);
    setType(current.data.schedule?.type ?? 'None');
    setCron(current.data.schedule?.cron ?? '');
    setDeleteUntagged(p.delete_untagged ?? false);
    setWorkers(p.workers ?? 1);
  }, [current.data]);
  const next = current.data?.schedule?.next_scheduled_time;
  return (
    <form className="rounded border border-slate-200 p-4 dark:border-slate-700" data-testid="gc-schedule"
      onSubmit={(e) => { e.preventDefault(); save.mutate({ type, cron, parameters: { delete_untagged: deleteUntagged, dry_run: false, workers } }); }}>
      <h2 className="mb-3 text-lg font-semibold">{t('gc.schedule')}</h2>
      <ScheduleFields types={scheduleTypes} type={type} cron={cron} onType={setType} onCron={setCron}
        typeLabel={t('gc.scheduleType')} typeText={(s) => t(`gc.type.${s}`)} cronLabel={t('gc.cron')} />
      {type !== 'None' && (
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={deleteUntagged} onChange={(e) => setDeleteUntagged(e.target.checked)} />
            {t('gc.deleteUntagged')}
          </label>
          <WorkersSelect value={workers} onChange={setWorkers} />
        </div>
      )}
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-300" data-testid="gc-next-run">
        {next && current.data?.schedule?.type !== 'None' ? t('gc.nextRun', { time: formatTime(next, i18n.language) }) : t('gc.noSchedule')}
      </p>
      <div className="mt-3 flex items-center gap-2">
        <Button type="submit" disabled={save.isPending}>{t('gc.saveSchedule')}</Button>
        {save.isSuccess && <span className="text-sm text-emerald-700 dark:text-emerald-300">{t('gc.saved')}</span>}
      </div>
      {save.error ? <div className="mt-2"><ErrorMessage error={save.error} /></div> : null}
    </form>
  );
}

function History() {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  return (
    <RunHistory<GcRun> title={t('gc.history')} history={useGcHistory({ page, pageSize })} page={page} pageSize={pageSize} onPage={setPage}
      stop={useStopGc()} useLog={useGcLog} logTitle={(id) => t('gc.logTitle', { id })} testIds={{ row: 'gc-run-row', log: 'gc-log' }}
      empty={<EmptyState title={t('gc.noHistory')}>{t('gc.noHistoryHint')}</EmptyState>}
      above={(runs) => <FreedChart runs={runs} />}
      badges={(r) => parametersOf(r).delete_untagged && <span className="ml-2 text-xs text-slate-500">{t('gc.untaggedBadge')}</span>}
      result={{
        id: 'freed', header: t('gc.freed'),
        cell: ({ row }) => {
          const r = row.original;
          if (live(r)) return '—';
          return (
            <span className="text-sm" data-testid="gc-freed">
              {t(parametersOf(r).dry_run ? 'gc.wouldFree' : 'gc.didFree', { size: formatBytes(r.freed_bytes), count: r.blobs_deleted })}
              {r.artifacts_deleted > 0 && <> · {t('gc.artifacts', { count: r.artifacts_deleted })}</>}
            </span>
          );
        },
      }} />
  );
}
