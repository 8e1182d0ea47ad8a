/**
 * A select's choices, plus the value it holds when that is not among them (a link's filter, a setting the server has
 * that the console does not list), so the select shows what is really chosen. An empty value adds nothing.
 */
export const withCurrent = (
	choices: readonly string[],
	current: string,
): string[] =>
	current && !choices.includes(current) ? [...choices, current] : [...choices];
