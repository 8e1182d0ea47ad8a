import { useTranslation } from 'react-i18next';

/** Page controls under a server-paged list. */
export function Pagination({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (p: number) => void }) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (total <= pageSize && page === 1) return <p className="mt-3 text-sm text-slate-600 dark:text-slate-300">{t('common.total', { count: total })}</p>;
  const btn = 'rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40 dark:border-slate-600';
  return (
    <nav aria-label={t('common.pagination')} className="mt-3 flex items-center gap-2 text-sm">
      <span className="text-slate-600 dark:text-slate-300">{t('common.total', { count: total })}</span>
      <button type="button" className={btn} disabled={page <= 1} onClick={() => onPage(1)} aria-label={t('common.firstPage')}>«</button>
      <button type="button" className={btn} disabled={page <= 1} onClick={() => onPage(page - 1)} aria-label={t('common.previousPage')}>‹</button>
      <span data-testid="page-indicator">{t('common.pageOf', { page, pages })}</span>
      <button type="button" className={btn} disabled={page >= pages} onClick={() => onPage(page + 1)} aria-label={t('common.nextPage')}>›</button>
      <button type="button" className={btn} disabled={page >= pages} onClick={() => onPage(pages)} aria-label={t('common.lastPage')}>»</button>
    </nav>
  );
}
