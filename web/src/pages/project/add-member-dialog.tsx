import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleIds, useAddMember, useUserSearch } from '../../api/members.ts';
import { useDebounced } from '../../app/use-debounced.ts';
import { Button } from '../../components/button.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { ErrorMessage } from '../../components/error-message.tsx';

const inputClass = 'mt-1 w-full rounded border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100';

/** Adds a user with a role; usernames are suggested from Harbor's user search as the user types. */
export function AddMemberDialog({ open, projectId, onClose }: { open: boolean; projectId: number; onClose: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const add = useAddMember(projectId);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<number>(3);
  const [tried, setTried] = useState(false);
  // The search waits for a pause in typing.
  const part = useDebounced(username.trim(), 200);
  const suggestions = useUserSearch(open ? part : '');

  const close = () => { setUsername(''); setRole(3); setTried(false); add.reset(); onClose(); };
  const missing = tried && username.trim() === '' ? t('project.members.usernameRequired') : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (username.trim() === '') return;
    add.mutate({ username: username.trim(), role_id: role }, { onSuccess: close });
  };

  return (
    <Dialog open={open} title={t('project.members.addTitle')} onClose={close}>
      <form onSubmit={submit} noValidate>
        <div className="mb-3">
          <label htmlFor={`${id}-user`} className="block text-sm font-medium">{t('project.members.username')}</label>
          <input id={`${id}-user`} list={`${id}-suggestions`} autoComplete="off" autoFocus value={username} className={inputClass}
            aria-invalid={missing ? true : undefined} aria-describedby={`${id}-note`} onChange={(e) => { setUsername(e.target.value); add.reset(); }} />
          <datalist id={`${id}-suggestions`} data-testid="user-suggestions">
            {suggestions.data?.items.map((u) => <option key={u.user_id} value={u.username} />)}
          </datalist>
          <p id={`${id}-note`} className={`mt-1 text-xs ${missing ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-300'}`}>
            {missing ?? t('project.members.usernameHint')}
          </p>
        </div>
        <div className="mb-3">
          <label htmlFor={`${id}-role`} className="block text-sm font-medium">{t('project.members.role')}</label>
          <select id={`${id}-role`} className={inputClass} value={role} onChange={(e) => { setRole(Number(e.target.value)); add.reset(); }}>
            {roleIds.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
        </div>
        <ErrorMessage error={add.error} />
        <div className="mt-5 flex justify-end gap-2">
          <Button variant="secondary" onClick={close}>{t('common.cancel')}</Button>
          <Button type="submit" disabled={add.isPending}>{t('project.members.addSubmit')}</Button>
        </div>
      </form>
    </Dialog>
  );
}
