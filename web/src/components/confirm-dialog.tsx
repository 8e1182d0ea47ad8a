import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Dialog } from './dialog.tsx';
import { ErrorMessage } from './error-message.tsx';
import { Button } from './button.tsx';

/** Asks before a destructive action; shows the server's refusal (e.g. "project is not empty") in place. */
export function ConfirmDialog(p: {
  open: boolean; title: string; children: ReactNode; confirmLabel: string; onConfirm: () => void; onClose: () => void;
  pending?: boolean; error?: unknown;
}) {
  const { t } = useTranslation();
  return (
    <Dialog open={p.open} title={p.title} onClose={p.onClose}>
      <div className="text-sm">{p.children}</div>
      <ErrorMessage error={p.error} />
      <div className="mt-5 flex justify-end gap-2">
        <Button variant="secondary" onClick={p.onClose}>{t('common.cancel')}</Button>
        <Button variant="danger" onClick={p.onConfirm} disabled={p.pending}>{p.confirmLabel}</Button>
      </div>
    </Dialog>
  );
}
