import { useTranslation } from "react-i18next";
import { explainError } from "./server-words.ts";

/**
 * The API's error in plain words and the chosen language (an input refused before sending: its first problem); a
 * details line under it keeps the server's own words, when they differ, and the request id to quote when reporting it.
 */
export function ErrorMessage({
	error,
	prefix,
}: {
	error: unknown;
	prefix?: string;
}) {
	const { t, i18n } = useTranslation();
	if (!error) return null;
	const { sentence, serverWords, requestId } = explainError(
		error,
		t,
		i18n.language,
	);
	return (
		<div
			role="alert"
			className="my-3 rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
		>
			<p>
				{prefix ? `${prefix}: ` : ""}
				{sentence}
			</p>
			{(serverWords || requestId) && (
				<details className="mt-1 text-xs" data-testid="error-details">
					<summary className="cursor-pointer opacity-80">
						{t("common.errorDetails")}
					</summary>
					{serverWords && (
						<p className="mt-1 break-words" lang="en">
							{t("common.serverSaid", { message: serverWords })}
						</p>
					)}
					{requestId && (
						<p className="mt-1 font-mono">
							{t("common.requestIdLine", { id: requestId })}
						</p>
					)}
				</details>
			)}
		</div>
	);
}
