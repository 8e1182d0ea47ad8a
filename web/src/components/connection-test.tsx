import type { UseMutationResult } from "@tanstack/react-query";
import { Button } from "./button.tsx";
import { ErrorMessage } from "./error-message.tsx";

/**
 * A form's "Test connection": the button (busy while the test runs), what passed in words, or why it failed with the
 * server's reason. The form resets `test` when a field changes, so an old result never speaks for new values.
 */
export function ConnectionTest({
	test,
	onTest,
	words,
}: {
	test: Pick<
		UseMutationResult<unknown, Error, never>,
		"isPending" | "isSuccess" | "isError" | "error"
	>;
	onTest: () => void;
	words: { test: string; testing: string; ok: string; failed: string };
}) {
	return (
		<>
			<div className="flex flex-wrap items-center gap-3">
				<Button variant="secondary" onClick={onTest} disabled={test.isPending}>
					{test.isPending ? words.testing : words.test}
				</Button>
				<p role="status" className="text-sm" data-testid="ping-result">
					{test.isSuccess && (
						<span className="text-green-800 dark:text-green-300">
							{words.ok}
						</span>
					)}
				</p>
			</div>
			{test.isError && (
				<ErrorMessage error={test.error} prefix={words.failed} />
			)}
		</>
	);
}
