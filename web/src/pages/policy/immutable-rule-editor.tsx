import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { immutableRuleInput, inputOf, useCreateImmutableRule, useUpdateImmutableRule, type ImmutableRule, type ImmutableRuleInput } from '../../api/immutable-rules.ts';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { Choice } from './choice.tsx';

const blank: ImmutableRuleInput = { repoDecoration: 'repoMatches', repoPattern: '**', tagDecoration: 'matches', tagPattern: '' };

/** Adds a rule to the project, or edits one (`rule` given): which repositories, which tags, by doublestar patterns. */
export function ImmutableRuleEditor({ project, rule, onClose }: { project: string; rule?: ImmutableRule; onClose: () => void }) {
  const { t } = useTranslation();
  const [form, setForm] = useState<ImmutableRuleInput>(rule ? inputOf(rule) : blank);
  const [touched, setTouched] = useState(false);
  const create = useCreateImmutableRule(project);
  const update = useUpdateImmutableRule(project);
  const mutation = rule ? update : create;
  const parsed = immutableRuleInput.safeParse(form);
  const set = (patch: Partial<ImmutableRuleInput>) => setForm((f) => ({ ...f, ...patch }));
  const required = (v: string) => (touched && !v.trim() ? t('immutable.patternRequired') : null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!parsed.success) return;
    if (rule) update.mutate({ rule, input: parsed.data }, { onSuccess: onClose });
    else create.mutate(parsed.data, { onSuccess: onClose });
  };

  return (
    <Dialog open title={rule ? t('immutable.editTitle') : t('immutable.addTitle')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <fieldset className="mb-2">
          <legend className="mb-1 text-sm font-semibold">{t('immutable.repositories')}</legend>
          <Choice label={t('immutable.repoDecoration')} value={form.repoDecoration}
            onChange={(v) => set({ repoDecoration: v as ImmutableRuleInput['repoDecoration'] })}
            options={[['repoMatches', t('immutable.repoMatches')], ['repoExcludes', t('immutable.repoExcludes')]]} />
          <Field label={t('immutable.repoPattern')} value={form.repoPattern} maxLength={1024} required
            onChange={(e) => set({ repoPattern: e.target.value })} error={required(form.repoPattern)} hint={t('immutable.repoHint')} />
        </fieldset>
        <fieldset className="mb-2">
          <legend className="mb-1 text-sm font-semibold">{t('immutable.tags')}</legend>
          <Choice label={t('immutable.tagDecoration')} value={form.tagDecoration}
            onChange={(v) => set({ tagDecoration: v as ImmutableRuleInput['tagDecoration'] })}
            options={[['matches', t('immutable.tagMatches')], ['excludes', t('immutable.tagExcludes')]]} />
          <Field label={t('immutable.tagPattern')} value={form.tagPattern} maxLength={1024} required autoFocus
            onChange={(e) => set({ tagPattern: e.target.value })} error={required(form.tagPattern)} hint={t('immutable.tagHint')} />
        </fieldset>
        <DialogActions error={mutation.error} pending={mutation.isPending} submitLabel={rule ? t('common.save') : t('immutable.addSubmit')} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
