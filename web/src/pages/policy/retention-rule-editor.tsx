import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  blankRule, inputOfRule, retentionRuleInput, retentionTemplates, ruleOfInput, templateUnit,
  type RetentionRule, type RetentionRuleInput,
} from '../../api/retention.ts';
import { Dialog, DialogActions } from '../../components/dialog.tsx';
import { Field } from '../../components/field.tsx';
import { Choice } from './choice.tsx';

/**
 * Adds a retention rule, or edits one (`rule` given): which repositories (matched or excluded, by wildcards or a
 * regular expression), what to retain (a template and its count or days), which tags, and whether untagged artifacts
 * count. The owner saves the whole policy (`onSave`) and shows its `pending` and `error` here.
 */
export function RetentionRuleEditor({ rule, onSave, onClose, pending, error }: {
  rule?: RetentionRule; onSave: (rule: RetentionRule) => void; onClose: () => void; pending: boolean; error: unknown;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<RetentionRuleInput>(rule ? inputOfRule(rule) : blankRule);
  const [touched, setTouched] = useState(false);
  const set = (patch: Partial<RetentionRuleInput>) => setForm((f) => ({ ...f, ...patch }));
  const parsed = retentionRuleInput.safeParse(form);
  const problem = (field: keyof RetentionRuleInput, message: string) =>
    touched && !parsed.success && parsed.error.issues.some((i) => i.path[0] === field) ? message : null;
  const unit = templateUnit(form.template);
  const kinds: [string, string][] = [['doublestar', t('retention.editor.doublestar')], ['regex', t('retention.editor.regex')]];
  const hint = (kind: string, glob: string) => (kind === 'regex' ? t('retention.editor.regexHint') : glob);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!parsed.success) return;
    onSave(ruleOfInput(parsed.data, rule ? { disabled: rule.disabled, priority: rule.priority } : undefined));
  };

  return (
    <Dialog open title={rule ? t('retention.editor.editTitle') : t('retention.editor.addTitle')} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <fieldset className="mb-2">
          <legend className="mb-1 text-sm font-semibold">{t('retention.editor.repositories')}</legend>
          <Choice label={t('retention.editor.repoDecoration')} value={form.repoDecoration}
            onChange={(v) => set({ repoDecoration: v as RetentionRuleInput['repoDecoration'] })}
            options={[['repoMatches', t('retention.editor.matching')], ['repoExcludes', t('retention.editor.excluding')]]} />
          <Choice label={t('retention.editor.kind')} value={form.repoKind} options={kinds}
            onChange={(v) => set({ repoKind: v as RetentionRuleInput['repoKind'] })} />
          <Field label={t('retention.editor.repoPattern')} value={form.repoPattern} maxLength={1024} required spellCheck={false}
            onChange={(e) => set({ repoPattern: e.target.value })} error={problem('repoPattern', t('retention.editor.patternRequired'))}
            hint={hint(form.repoKind, t('retention.editor.repoHint'))} />
        </fieldset>
        <fieldset className="mb-2">
          <legend className="mb-1 text-sm font-semibold">{t('retention.editor.whatToRetain')}</legend>
          <Choice label={t('retention.editor.template')} value={form.template}
            onChange={(v) => set({ template: v as RetentionRuleInput['template'] })}
            options={retentionTemplates.map((x) => [x, t(`retention.choice.${x}`)])} />
          {unit && (
            <Field label={t(unit === 'count' ? 'retention.editor.count' : 'retention.editor.days')} type="number" min={0} step={1} inputMode="numeric"
              value={form.n} required data-autofocus onChange={(e) => set({ n: e.target.value })}
              error={problem('n', t('retention.editor.nRequired'))}
              hint={form.template === 'nDaysSinceLastPull' || form.template === 'latestPulledN' ? t('retention.editor.pulledHint') : undefined} />
          )}
        </fieldset>
        <fieldset className="mb-2">
          <legend className="mb-1 text-sm font-semibold">{t('retention.editor.tags')}</legend>
          <Choice label={t('retention.editor.tagDecoration')} value={form.tagDecoration}
            onChange={(v) => set({ tagDecoration: v as RetentionRuleInput['tagDecoration'] })}
            options={[['matches', t('retention.editor.matching')], ['excludes', t('retention.editor.excluding')]]} />
          <Choice label={t('retention.editor.kind')} value={form.tagKind} options={kinds}
            onChange={(v) => set({ tagKind: v as RetentionRuleInput['tagKind'] })} />
          <Field label={t('retention.editor.tagPattern')} value={form.tagPattern} maxLength={1024} required spellCheck={false}
            onChange={(e) => set({ tagPattern: e.target.value })} error={problem('tagPattern', t('retention.editor.patternRequired'))}
            hint={hint(form.tagKind, t('retention.editor.tagHint'))} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={form.untagged} onChange={(e) => set({ untagged: e.target.checked })} />
            {t('retention.editor.untagged')}
          </label>
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-300">{t('retention.editor.untaggedHint')}</p>
        </fieldset>
        <DialogActions error={error} pending={pending} submitLabel={rule ? t('common.save') : t('retention.editor.addSubmit')} onCancel={onClose} />
      </form>
    </Dialog>
  );
}
