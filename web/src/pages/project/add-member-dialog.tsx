import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleIds, useAddMember, useUserSearch } from '../../api/members.ts';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { Field, inputClass } from '../../components/field.tsx';
import { useDebounced } from '../../components/use-debounced.ts';

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
        <Field label={t('project.members.username')} list={`${id}-suggestions`} autoComplete="off" autoFocus value={username}
          onChange={(e) => { setUsername(e.target.value); add.reset(); }} error={missing} hint={t('project.members.usernameHint')} />
        <datalist id={`${id}-suggestions`} data-testid="user-suggestions">
          {suggestions.data?.items.map((u) => <option key={u.user_id} value={u.username} />)}
        </datalist>
        <div className="mb-3">
          <label htmlFor={`${id}-role`} className="block text-sm font-medium">{t('project.members.role')}</label>
          <select id={`${id}-role`} className={`mt-1 w-full ${inputClass}`} value={role} onChange={(e) => { setRole(Number(e.target.value)); add.reset(); }}>
            {roleIds.map((r) => <option key={r} value={r}>{t(`role.${r}`)}</option>)}
          </select>
        </div>
        <DialogActions error={add.error} pending={add.isPending} submitLabel={t('project.members.addSubmit')} onCancel={close} spacing="mt-5" />
      </form>
    </Dialog>
  );
}
