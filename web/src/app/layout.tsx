import { Link, NavLink, Outlet, useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useCurrentUser, useSignOut } from '../api/session.ts';
import { languages, setLanguage } from '../i18n/index.ts';
import { applyTheme, currentTheme, type Theme } from './theme.ts';
import { paths } from './paths.ts';

/** The shell: top bar with navigation and the user menu, and the page below. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const { data: user } = useCurrentUser();
  const signOut = useSignOut();
  const navigate = useNavigate();
  const navClass = ({ isActive }: { isActive: boolean }) =>
    `rounded px-3 py-1.5 text-sm ${isActive ? 'bg-white/15 font-medium' : 'hover:bg-white/10'}`;

  return (
    <div className="min-h-screen bg-slate-50 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
      <a href="#main" className="sr-only focus:not-sr-only">{t('nav.skipToContent')}</a>
      <header className="flex items-center gap-4 bg-[#0f4c81] px-4 py-2 text-white">
        <Link to={paths.projects.href()} className="text-lg font-semibold">{t('app.name')}</Link>
        <nav aria-label="main" className="flex gap-1">
          <NavLink to={paths.projects.href()} className={navClass}>{t('nav.projects')}</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <label className="flex items-center gap-1">
            <span className="sr-only">{t('user.language')}</span>
            <select aria-label={t('user.language')} data-testid="language" className="rounded bg-white/10 px-2 py-1"
              value={i18n.language} onChange={(e) => setLanguage(e.target.value)}>
              {languages.map((l) => <option key={l.code} value={l.code} className="text-black">{l.label}</option>)}
            </select>
          </label>
          <label className="flex items-center gap-1">
            <span className="sr-only">{t('user.theme')}</span>
            <select aria-label={t('user.theme')} className="rounded bg-white/10 px-2 py-1" defaultValue={currentTheme()}
              onChange={(e) => applyTheme(e.target.value as Theme)}>
              {(['light', 'dark', 'system'] as const).map((th) => <option key={th} value={th} className="text-black">{t(`theme.${th}`)}</option>)}
            </select>
          </label>
          {user && <span data-testid="current-user">{user.username}</span>}
          <button type="button" className="rounded px-2 py-1 hover:bg-white/10"
            onClick={() => signOut.mutate(undefined, { onSuccess: () => navigate(paths.signIn.href()) })}>
            {t('user.signOut')}
          </button>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl p-6"><Outlet /></main>
    </div>
  );
}
