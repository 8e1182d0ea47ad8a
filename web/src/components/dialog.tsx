import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "./button.tsx";
import { ErrorMessage } from "./error-message.tsx";
import { useModalDialog } from "./use-modal-dialog.ts";

/**
 * A modal on the native <dialog>: focus trapped and Escape handled by the browser. Opening focuses the first field
 * (React's `autoFocus` runs while the dialog is still closed, and `showModal()` would focus the ✕ instead, so typing
 * went nowhere and Enter closed the dialog); closing — or removing the dialog while open — gives the focus back to
 * what had it before.
 */
export function Dialog({
	open,
	title,
	onClose,
	children,
	wide,
}: {
	open: boolean;
	title: string;
	onClose: () => void;
	children: ReactNode;
	wide?: boolean;
}) {
	const { t } = useTranslation();
	const modal = useModalDialog(open, { onClose, returnFocus: true });

	return (
		<dialog
			ref={modal.ref}
			aria-label={title}
			// Escape (or a form's method="dialog") closes the dialog natively: the focus goes back, then the owner is told.
			onClose={modal.onClose}
			className={`m-auto rounded-lg bg-white p-0 text-slate-900 shadow-xl backdrop:bg-black/40 dark:bg-slate-900 dark:text-slate-100 ${wide ? "w-[48rem]" : "w-[28rem]"} max-w-[95vw]`}
		>
			{open && (
				<div className="p-5">
					<div className="mb-4 flex items-start justify-between gap-4">
						<h2 className="text-lg font-semibold">{title}</h2>
						<button
							type="button"
							onClick={onClose}
							aria-label={t("common.close")}
							className="rounded px-2 hover:bg-slate-100 dark:hover:bg-slate-800"
						>
							✕
						</button>
					</div>
					<div>{children}</div>
				</div>
			)}
		</dialog>
	);
}

/**
 * A dialog's foot: the server's refusal (if any), then Cancel and the dialog's action. The action submits the dialog's
 * form, unless `onSubmit` is given (a dialog without a form); it is disabled while `pending` or when `disabled`.
 */
export function DialogActions({
	error,
	pending,
	disabled,
	submitLabel,
	onCancel,
	onSubmit,
	variant = "primary",
	spacing = "mt-4",
}: {
	error: unknown;
	pending?: boolean;
	disabled?: boolean;
	submitLabel: ReactNode;
	onCancel: () => void;
	onSubmit?: () => void;
	variant?: "primary" | "danger";
	spacing?: "mt-4" | "mt-5";
}) {
	const { t } = useTranslation();
	return (
		<>
			<ErrorMessage error={error} />
			<div className={`${spacing} flex justify-end gap-2`}>
				<Button variant="secondary" onClick={onCancel}>
					{t("common.cancel")}
				</Button>
				<Button
					type={onSubmit ? "button" : "submit"}
					variant={variant}
					onClick={onSubmit}
					disabled={pending || disabled}
				>
					{submitLabel}
				</Button>
			</div>
		</>
	);
}
