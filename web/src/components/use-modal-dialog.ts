import { type RefObject, useLayoutEffect, useRef } from "react";

/** What a dialog focuses first: a field marked `data-autofocus`, else its first field (never a button such as ✕). */
const firstField = (dialog: HTMLElement) =>
	dialog.querySelector<HTMLElement>("[data-autofocus]") ??
	dialog.querySelector<HTMLElement>(
		'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])',
	);

/**
 * A native <dialog> shown as a modal while `open` (focus trapped and Escape handled by the browser). Showing it focuses
 * its first field: React's `autoFocus` runs while the dialog is still closed, and `showModal()` would focus the ✕
 * instead, so typing went nowhere and Enter closed the dialog.
 *
 * With `returnFocus`, closing it — or removing it while open — gives the focus back to what had it before.
 * Give the returned `ref` and `onClose` to the <dialog>: `onClose` tells the owner when the browser closed it (Escape,
 * a form's method="dialog"), unless the owner removed the dialog (the close event of that removal comes after it).
 */
export function useModalDialog(
	open: boolean,
	{
		onClose,
		returnFocus = false,
	}: { onClose: () => void; returnFocus?: boolean },
) {
	const ref = useRef<HTMLDialogElement>(null);
	const returnTo = useRef<HTMLElement | null>(null);
	const mounted = useRef(true);

	const restoreFocus = () => restoreFocusFrom(returnTo);

	// A layout effect: shown and focused in the commit that renders it, before the browser handles another key (a
	// passive effect may run after one, and a key typed into nothing is lost).
	useLayoutEffect(() => {
		const d = ref.current;
		if (!d) return;
		if (open && !d.open) {
			if (returnFocus)
				returnTo.current =
					document.activeElement instanceof HTMLElement
						? document.activeElement
						: null;
			d.showModal();
			firstField(d)?.focus();
		}
		if (!open && d.open) {
			d.close();
			restoreFocusFrom(returnTo);
		}
	}, [open, returnFocus]);

	// Removed while open (`{x && <Dialog open />}`): close it first (elements outside a modal dialog cannot take the
	// focus), then give the focus back. A layout effect, so this runs before the dialog leaves the page.
	// biome-ignore lint/correctness/useExhaustiveDependencies: runs at mount and unmount only; a dialog's returnFocus never changes.
	useLayoutEffect(() => {
		mounted.current = true;
		return () => {
			mounted.current = false;
			if (!returnFocus) return;
			const d = ref.current;
			if (d?.open) d.close();
			restoreFocusFrom(returnTo);
		};
	}, []);

	return {
		ref,
		onClose: () => {
			restoreFocus();
			if (mounted.current) onClose();
		},
	};
}

/** Gives the focus back to the element that had it when the dialog opened, if it is still on the page. */
function restoreFocusFrom(returnTo: RefObject<HTMLElement | null>) {
	const target = returnTo.current;
	returnTo.current = null;
	if (target?.isConnected) target.focus();
}
