import type { ReactNode } from "react";
import { Dialog, DialogActions } from "./dialog.tsx";

/** Asks before a destructive action; shows the server's refusal (e.g. "project is not empty") in place. */
export function ConfirmDialog(p: {
	open: boolean;
	title: string;
	children: ReactNode;
	confirmLabel: string;
	onConfirm: () => void;
	onClose: () => void;
	pending?: boolean;
	error?: unknown;
}) {
	return (
		<Dialog open={p.open} title={p.title} onClose={p.onClose}>
			<div className="text-sm">{p.children}</div>
			<DialogActions
				error={p.error}
				pending={p.pending}
				submitLabel={p.confirmLabel}
				onCancel={p.onClose}
				onSubmit={p.onConfirm}
				variant="danger"
				spacing="mt-5"
			/>
		</Dialog>
	);
}
