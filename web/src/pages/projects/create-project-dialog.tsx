import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useCreateProject } from '../../api/projects.ts';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { StorageLimitInput } from '../../components/storage-limit-input.tsx';
import { storageDraftBytes, type StorageDraft } from '../../components/storage-limit.ts';
import { projectNameProblem } from './project-name-rule.ts';

const unlimited: StorageDraft = { unlimited: true, amount: '', unit: 'GiB' };

/**
 * New project: the name is checked as it is typed and a wrong one is explained before anything is sent. Only a system
 * admin sets the storage limit (the server gives everyone else the default), so only they are asked for one.
 */
export function CreateProjectDialog({ open, onClose, onCreated, isAdmin }: {
  open: boolean; onClose: () => void; onCreated: (name: string) => void; isAdmin: boolean;
}) {
  const { t } = useTranslation();
  const create = useCreateProject();
  const [name, setName] = useState('');
  const [tried, setTried] = useState(false);
  const [isPublic, setPublic] = useState(false);
  const [storage, setStorage] = useState<StorageDraft>(unlimited);

  const nameProblem = projectNameProblem(name);
  // An empty name is pointed out only once the user tries to create; a wrong character as soon as it is typed.
  const shownNameProblem = nameProblem && (name !== '' || tried) ? t(nameProblem) : null;
  const limit = storageDraftBytes(storage);
  const limitProblem = isAdmin && limit === null;

  const close = () => {
    setName(''); setTried(false); setPublic(false); setStorage(unlimited); create.reset();
    onClose();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (nameProblem || limitProblem) return;
    create.mutate(
      { project_name: name, metadata: { public: String(isPublic) as 'true' | 'false' }, ...(isAdmin ? { storage_limit: limit ?? -1 } : {}) },
      { onSuccess: () => { const created = name; close(); onCreated(created); } },
    );
  };

  return (
    <Dialog open={open} title={t('projects.create.title')} onClose={close}>
      <form onSubmit={submit} noValidate>
        <Field label={t('projects.create.name')} value={name} autoFocus autoComplete="off" spellCheck={false}
          onChange={(e) => setName(e.target.value)} error={shownNameProblem} hint={t('projects.nameRule.hint')} />
        <div className="mb-3 flex items-start gap-2">
          <input id="create-project-public" type="checkbox" className="mt-1" checked={isPublic} onChange={(e) => setPublic(e.target.checked)} />
          <label htmlFor="create-project-public" className="text-sm">
            <span className="font-medium">{t('projects.create.public')}</span>
            <span className="block text-xs text-slate-600 dark:text-slate-300">{t('projects.create.publicHint')}</span>
          </label>
        </div>
        {isAdmin && <StorageLimitInput label={t('projects.create.storageLimit')} value={storage} onChange={setStorage} hint={t('projects.create.storageHint')} />}
        <DialogActions error={create.error} pending={create.isPending} submitLabel={t('common.create')} onCancel={close} spacing="mt-5" />
      </form>
    </Dialog>
  );
}
