import { useTranslation } from 'react-i18next';
import { Field } from '../../components/field.tsx';
import { PasswordChecklist, meetsPasswordRules } from '../../components/password-checklist.tsx';

/** True when the password meets every hint and the confirmation matches. */
export const passwordReady = (password: string, confirm: string) => meetsPasswordRules(password) && password === confirm;

/**
 * A new password and its confirmation, with Harbor's rule as a checklist that fills in while typing.
 * The server still decides: its message is shown if it refuses.
 */
export function PasswordFields(p: { password: string; confirm: string; onPassword: (v: string) => void; onConfirm: (v: string) => void; label?: string }) {
  const { t } = useTranslation();
  const mismatch = p.confirm !== '' && p.confirm !== p.password;
  return (
    <>
      <Field label={p.label ?? t('admin.users.password')} type="password" autoComplete="new-password" required
        value={p.password} onChange={(e) => p.onPassword(e.target.value)} />
      <PasswordChecklist password={p.password} />
      <Field label={t('admin.password.confirm')} type="password" autoComplete="new-password" required
        value={p.confirm} onChange={(e) => p.onConfirm(e.target.value)} error={mismatch ? t('admin.password.mismatch') : null} />
    </>
  );
}
