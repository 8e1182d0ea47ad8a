import { useTranslation } from 'react-i18next';

const styles: Record<string, string> = {
  Succeed: 'bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100',
  Failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  InProgress: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  Pending: 'bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
  Stopped: 'bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200',
};

/** An execution's or task's status in words and colour (the words carry it; the colour only helps). */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const { t } = useTranslation();
  return (
    <span data-testid={testId} className={`whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${styles[status] ?? styles.Pending}`}>
      {t(`replication.status.${status}`, { defaultValue: status })}
    </span>
  );
}
