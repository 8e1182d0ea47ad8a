export type Theme = "light" | "dark" | "system";

export const currentTheme = (): Theme =>
	(localStorage.getItem("wharf.theme") as Theme | null) ?? "system";

/** Applies the theme to <html> (Tailwind's `dark` class), following the OS when 'system'. */
export function applyTheme(theme: Theme = currentTheme()) {
	localStorage.setItem("wharf.theme", theme);
	const dark =
		theme === "dark" ||
		(theme === "system" &&
			window.matchMedia("(prefers-color-scheme: dark)").matches);
	document.documentElement.classList.toggle("dark", dark);
}
