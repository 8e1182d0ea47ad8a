import { useState } from "react";
import { useTranslation } from "react-i18next";
import {
	bannerShowsNow,
	parseBanner,
	useSystemInfo,
} from "../api/system-info.ts";

const styles: Record<string, string> = {
	info: "border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100",
	success:
		"border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
	warning:
		"border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100",
	danger:
		"border-red-300 bg-red-50 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
};

const dismissedKey = (message: string) => `wharf.banner.dismissed:${message}`;

/** The administrator's banner and the read-only notice, above every page; the message is text, never HTML. */
export function SystemBanner() {
	const { t } = useTranslation();
	const { data } = useSystemInfo();
	const banner = parseBanner(data?.banner_message);
	const [dismissedNow, setDismissedNow] = useState<string | null>(null);
	const dismissed =
		!!banner &&
		(dismissedNow === banner.message ||
			sessionStorage.getItem(dismissedKey(banner.message)) === "1");
	const showBanner =
		banner && bannerShowsNow(banner) && !(banner.closable && dismissed);
	return (
		<>
			{data?.read_only && (
				<div
					role="status"
					data-testid="read-only-banner"
					className={`border-b px-4 py-2 text-sm ${styles.warning}`}
				>
					{t("shell.readOnly")}
				</div>
			)}
			{showBanner && (
				<div
					role="status"
					data-testid="system-banner"
					className={`flex items-start gap-3 border-b px-4 py-2 text-sm ${Object.hasOwn(styles, banner.type) ? styles[banner.type] : styles.info}`}
				>
					<p className="flex-1 whitespace-pre-wrap">{banner.message}</p>
					{banner.closable && (
						<button
							type="button"
							aria-label={t("shell.dismissBanner")}
							className="rounded px-2 hover:bg-black/10"
							onClick={() => {
								sessionStorage.setItem(dismissedKey(banner.message), "1");
								setDismissedNow(banner.message);
							}}
						>
							✕
						</button>
					)}
				</div>
			)}
		</>
	);
}
