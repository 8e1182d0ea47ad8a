import { useLayoutEffect } from "react";

/** ⌘K on Apple keyboards, Ctrl+K elsewhere (both work everywhere). */
export const isApple = () => /Mac|iPhone|iPad/.test(navigator.userAgent);

/** Calls `toggle` on Ctrl+K / ⌘K, wherever the focus is (kept apart from the palette, which loads on first use). */
export function usePaletteShortcut(toggle: () => void) {
	// A layout effect: listening before the shell is first painted, so a Ctrl+K pressed as soon as it shows is not lost.
	useLayoutEffect(() => {
		const onKey = (e: KeyboardEvent) => {
			if (
				(e.ctrlKey || e.metaKey) &&
				!e.altKey &&
				!e.shiftKey &&
				e.key.toLowerCase() === "k"
			) {
				e.preventDefault();
				toggle();
			}
		};
		window.addEventListener("keydown", onKey);
		return () => window.removeEventListener("keydown", onKey);
	}, [toggle]);
}
