const styles: Record<string, string> = {
	Succeed: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
	Success: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
	Failed: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
	Error: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
	InProgress: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
	Running: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
	Pending: "bg-slate-100 text-slate-800 dark:bg-slate-800 dark:text-slate-100",
	Stopped:
		"bg-amber-100 text-amber-900 dark:bg-amber-900/40 dark:text-amber-200",
};

/**
 * A job's status (Harbor's execution and task statuses: Succeed or Success, Failed or Error, Running or InProgress,
 * Pending, Stopped) in words and colour: `text` is the status in the user's words, which carry it; the colour only helps.
 */
export function StatusBadge({
	status,
	text,
	testId,
}: {
	status: string;
	text: string;
	testId?: string;
}) {
	return (
		<span
			data-testid={testId}
			data-status={status}
			className={`whitespace-nowrap rounded px-2 py-0.5 text-xs font-medium ${styles[status] ?? styles.Pending}`}
		>
			{text}
		</span>
	);
}
