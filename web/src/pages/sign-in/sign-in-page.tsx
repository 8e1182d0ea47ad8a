import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSignIn } from '../../api/session.ts';
import { paths } from '../../app/paths.ts';

export default function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signIn = useSignIn();
  const [principal, setPrincipal] = useState('');
  const [password, setPassword] = useState('');
  // Only same-site paths: never follow a redirect to another origin.
  const redirect = params.get('redirect');
  const target = redirect?.startsWith('/') && !redirect.startsWith('//') ? redirect : paths.projects.href();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ principal, password }, { onSuccess: () => navigate(target, { replace: true }) });
  };

  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-100 dark:bg-slate-950">
      <form onSubmit={submit} className="w-80 space-y-4 rounded-lg bg-white p-6 shadow dark:bg-slate-900 dark:text-slate-100">
        <h1 className="text-xl font-semibold">{t('signIn.title')}</h1>
        <label className="block text-sm">
          {t('signIn.username')}
          <input className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5 text-slate-900" autoComplete="username" required
            value={principal} onChange={(e) => setPrincipal(e.target.value)} />
        </label>
        <label className="block text-sm">
          {t('signIn.password')}
          <input type="password" className="mt-1 w-full rounded border border-slate-300 px-2 py-1.5 text-slate-900" autoComplete="current-password" required
            value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {signIn.error && <p role="alert" className="text-sm text-red-700">{t('signIn.failed', { message: signIn.error.message })}</p>}
        <button type="submit" disabled={signIn.isPending} className="w-full rounded bg-[#0f4c81] py-2 text-white disabled:opacity-60">
          {signIn.isPending ? t('signIn.working') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
