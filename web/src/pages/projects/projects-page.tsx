import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useProjects } from '../../api/projects.ts';
import { paths } from '../../app/paths.ts';

const pageSize = 15;

/** The project list: paged on the server, with page and search kept in the URL. */
export default function ProjectsPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? 1));
  const q = params.get('q') ?? '';
  const { data, isPending, error } = useProjects({ page, pageSize, q });

  return (
    <section>
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">{t('projects.title')}</h1>
        <input aria-label="search projects" placeholder="name…" className="rounded border border-slate-300 px-2 py-1 text-slate-900"
          defaultValue={q} onChange={(e) => setParams({ q: e.target.value, page: '1' }, { replace: true })} />
      </div>
      {error && <p role="alert" className="mt-4 text-red-700">{t('projects.loadFailed', { message: error.message })}</p>}
      <table className="mt-4 w-full text-left text-sm">
        <thead className="border-b border-slate-300">
          <tr>
            <th className="py-2">{t('projects.name')}</th>
            <th>{t('projects.access')}</th>
            <th>{t('projects.repositories')}</th>
            <th>{t('projects.created')}</th>
          </tr>
        </thead>
        <tbody>
          {isPending && Array.from({ length: 5 }, (_, i) => (
            <tr key={i} aria-hidden="true"><td colSpan={4} className="py-2"><div className="h-4 animate-pulse rounded bg-slate-200" /></td></tr>
          ))}
          {data?.items.map((p) => (
            <tr key={p.project_id} className="border-b border-slate-200" data-testid="project-row">
              <td className="py-2"><Link className="text-[#0f4c81] underline dark:text-sky-300" to={paths.project.href(p.name)}>{p.name}</Link></td>
              <td>{p.metadata?.public === 'true' ? t('projects.public') : t('projects.private')}</td>
              <td>{p.repo_count ?? 0}</td>
              <td>{new Date(p.creation_time).toLocaleDateString(i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.items.length === 0 && <p className="mt-6 text-slate-600 dark:text-slate-300">{t('projects.empty')}</p>}
      {data && data.total > pageSize && (
        <nav aria-label="pagination" className="mt-4 flex gap-2 text-sm">
          <button type="button" disabled={page <= 1} onClick={() => setParams({ q, page: String(page - 1) })}>‹</button>
          <span>{page} / {Math.ceil(data.total / pageSize)}</span>
          <button type="button" disabled={page * pageSize >= data.total} onClick={() => setParams({ q, page: String(page + 1) })}>›</button>
        </nav>
      )}
    </section>
  );
}
