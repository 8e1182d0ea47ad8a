import { useEffect, useLayoutEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** What a dialog focuses first: a field marked `data-autofocus`, else its first field (never the close button). */
const firstField = (body: HTMLElement | null) =>
  body?.querySelector<HTMLElement>('[data-autofocus]')
  ?? body?.querySelector<HTMLElement>('input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])')
  ?? null;

/**
 * A modal on the native <dialog>: focus trapped and Escape handled by the browser. Opening focuses the first field
 * (React's `autoFocus` runs while the dialog is still closed, and `showModal()` would focus the ✕ instead, so typing
 * went nowhere and Enter closed the dialog); closing — or removing the dialog while open — gives the focus back to
 * what had it before.
 */
export function Dialog({ open, title, onClose, children, wide }: { open: boolean; title: string; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const mounted = useRef(true);

  const restoreFocus = () => {
    const target = returnTo.current;
    returnTo.current = null;
    if (target?.isConnected) target.focus();
  };

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      returnTo.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
      firstField(body.current)?.focus();
    }
    if (!open && d.open) {
      d.close();
      restoreFocus();
    }
  }, [open]);

  // Removed while open (`{x && <Dialog open />}`): close it first (elements outside a modal dialog cannot take the
  // focus), then give the focus back. A layout effect, so this runs before the dialog leaves the page.
  useLayoutEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      const d = ref.current;
      if (d?.open) d.close();
      restoreFocus();
    };
  }, []);

  return (
    <dialog ref={ref} aria-label={title}
      // Escape (or a form's method="dialog") closes the dialog natively: give the focus back, then tell the owner
      // (unless the owner removed the dialog: the close event of that removal comes after it).
      onClose={() => { restoreFocus(); if (mounted.current) onClose(); }}
      className={`m-auto rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 dark:bg-slate-900 dark:text-slate-100 ${wide ? 'w-[48rem]' : 'w-[28rem]'} max-w-[95vw]`}>
      {open && (
        <div className="p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <h2 className="text-lg font-semibold">{title}</h2>
            <button type="button" onClick={onClose} aria-label={t('common.close')} className="rounded px-2 hover:bg-slate-100 dark:hover:bg-slate-800">✕</button>
          </div>
          <div ref={body}>{children}</div>
        </div>
      )}
    </dialog>
  );
}
