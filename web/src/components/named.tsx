/**
 * A button's text with what it acts on: the visible word stays first in its accessible name, and the name of the
 * thing is added for screen readers (and tests), so each row's "Delete" is told apart.
 */
export const named = (word: string, name: string) => (
	<>
		{word}
		<span className="sr-only"> {name}</span>
	</>
);
