/**
 * Whether an error is a page's code failing to load: its chunk is gone (the console was redeployed and the chunk names
 * changed) or the server could not be reached. Browsers word it differently; a reload fetches the new index.html.
 */
export function isChunkLoadError(error: unknown): boolean {
	const message =
		error instanceof Error
			? error.message
			: typeof error === "string"
				? error
				: "";
	return /dynamically imported module|module script failed|Loading (?:CSS )?chunk|Unable to preload CSS/i.test(
		message,
	);
}
