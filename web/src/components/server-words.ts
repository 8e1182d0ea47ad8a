import type { TFunction } from "i18next";
import { ApiError, errorText, NETWORK_ERROR } from "../api/client.ts";

/**
 * Messages the API writes for its own callers (scripts, harbor-cli) that the console says in plain words, in the chosen
 * language: the message as the server writes it, and the key of the sentence to say instead.
 */
const known: [RegExp, string][] = [
	[
		/^the project contains repositories, can not be deleted$/,
		"errors.projectHasRepositories",
	],
	[/^the built-in admin cannot be deleted$/, "errors.builtInAdminDelete"],
	[
		/^you cannot change the admin flag of yourself or of the built-in admin$/,
		"errors.adminFlagSelf",
	],
	[
		/^only a system admin may create projects$/,
		"errors.onlyAdminCreatesProjects",
	],
	[
		/^only a system admin may create a proxy cache project$/,
		"errors.onlyAdminCreatesProxy",
	],
];

/** The plain sentence for a message the console knows, or null. */
export function knownServerWords(
	message: string | undefined,
	t: TFunction,
): string | null {
	if (!message) return null;
	const hit = known.find(([re]) => re.test(message));
	return hit ? t(hit[1]) : null;
}

/** A refusal's kind by status, said in the chosen language when the message itself is not known. */
const byStatus = (status: number) =>
	status === 0
		? "errors.network"
		: status === 401
			? "errors.unauthorized"
			: status === 403
				? "errors.forbidden"
				: status === 404
					? "errors.notFound"
					: status === 409
						? "errors.conflict"
						: status === 412
							? "errors.precondition"
							: status === 429
								? "errors.tooMany"
								: status >= 500
									? "errors.server"
									: "errors.refused";

/**
 * What to tell a person about an error: a sentence in plain words and the chosen language, and what goes in the details
 * line (the server's own words when they are not the sentence, and the request id to quote when reporting it).
 * English readers get the server's message itself when the console knows no better sentence (it says what is wrong);
 * others get the kind of refusal in their language, the server's words in the details.
 */
export function explainError(
	error: unknown,
	t: TFunction,
	language: string,
): { sentence: string; serverWords: string | null; requestId: string | null } {
	if (!(error instanceof ApiError))
		return { sentence: errorText(error), serverWords: null, requestId: null };
	if (error.code === NETWORK_ERROR)
		return {
			sentence: t("common.networkError"),
			serverWords: null,
			requestId: null,
		};
	const plain = knownServerWords(error.message, t);
	const sentence =
		plain ??
		(language.startsWith("en") ? error.message : t(byStatus(error.status)));
	return {
		sentence,
		serverWords: sentence === error.message ? null : error.message,
		requestId: error.requestId,
	};
}
