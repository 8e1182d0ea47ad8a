import { useEffect, useRef, useState } from "react";

/**
 * A text filter typed into a box and written to the URL once typing pauses, so each keystroke is not a request.
 * When the URL changes from elsewhere (back button, "clear"), the box follows it.
 */
export function useDebouncedFilter(
	value: string,
	commit: (v: string) => void,
	ms = 300,
) {
	const [draft, setDraft] = useState(value);
	const commitRef = useRef(commit);
	commitRef.current = commit;
	// A box that already says the URL's value (give or take the spaces around it, which are never sent) keeps what was
	// typed: a pause after "foo " must not eat the space before "bar".
	useEffect(() => setDraft((d) => (d.trim() === value ? d : value)), [value]);
	useEffect(() => {
		if (draft.trim() === value) return;
		const timer = setTimeout(() => commitRef.current(draft.trim()), ms);
		return () => clearTimeout(timer);
	}, [draft, value, ms]);
	return [draft, setDraft] as const;
}
