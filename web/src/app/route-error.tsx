import { useTranslation } from "react-i18next";
import { isRouteErrorResponse, useRouteError } from "react-router";
import { Button } from "../components/button.tsx";
import { isChunkLoadError } from "./stale-chunk.ts";

/**
 * What a route shows when its page failed to load or threw: plain words, the error's message and a reload. Inside the
 * shell (the header stays usable) unless `standalone` (the shell itself, or sign-in, failed).
 */
export function RouteError({ standalone = false }: { standalone?: boolean }) {
	const { t } = useTranslation();
	const error = useRouteError();
	const stale = isChunkLoadError(error);
	const message = isRouteErrorResponse(error)
		? `${error.status} ${error.statusText}`
		: error instanceof Error
			? error.message
			: String(error);
	const body = (
		<div role="alert" className="mx-auto max-w-xl py-8">
			<h1 className="mb-2 text-2xl font-semibold">{t("routeError.title")}</h1>
			<p className="mb-2">
				{stale ? t("routeError.updated") : t("routeError.body")}
			</p>
			{message && (
				<p className="mb-4 break-words text-sm text-slate-600 dark:text-slate-300">
					{t("routeError.details", { message })}
				</p>
			)}
			<Button onClick={() => window.location.reload()}>
				{t("routeError.reload")}
			</Button>
		</div>
	);
	if (!standalone) return body;
	return (
		<main className="min-h-screen bg-slate-50 p-6 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
			{body}
		</main>
	);
}
