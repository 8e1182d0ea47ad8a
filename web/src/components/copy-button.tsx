import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";

/**
 * Copies text to the clipboard and says so, on screen and to screen readers (a polite live region: the button's own
 * name stays what it does); falls back to selecting a hidden textarea where the API is missing.
 */
export function CopyButton({ text, label }: { text: string; label?: string }) {
	const { t } = useTranslation();
	const [copied, setCopied] = useState(false);
	const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
	useEffect(() => () => clearTimeout(timer.current), []);
	const copy = async () => {
		try {
			await navigator.clipboard.writeText(text);
		} catch {
			const area = document.createElement("textarea");
			area.value = text;
			document.body.appendChild(area);
			area.select();
			document.execCommand("copy");
			area.remove();
		}
		setCopied(true);
		clearTimeout(timer.current);
		timer.current = setTimeout(() => setCopied(false), 1500);
	};
	return (
		<>
			<button
				type="button"
				onClick={copy}
				aria-label={label ?? t("common.copy")}
				title={label ?? t("common.copy")}
				className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
			>
				{copied ? t("common.copied") : t("common.copy")}
			</button>
			<span aria-live="polite" className="sr-only">
				{copied ? t("common.copied") : ""}
			</span>
		</>
	);
}
