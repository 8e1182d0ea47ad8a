import { useEffect, useState } from "react";
import { applyTheme, currentTheme, type Theme } from "./theme.ts";

/** The chosen theme and its setter; with 'system' the console follows the OS when it switches between light and dark. */
export function useTheme(): [Theme, (theme: Theme) => void] {
	const [theme, setTheme] = useState<Theme>(currentTheme);
	useEffect(() => {
		applyTheme(theme);
		if (theme !== "system") return;
		const media = window.matchMedia("(prefers-color-scheme: dark)");
		const follow = () => applyTheme("system");
		media.addEventListener("change", follow);
		return () => media.removeEventListener("change", follow);
	}, [theme]);
	return [theme, setTheme];
}
