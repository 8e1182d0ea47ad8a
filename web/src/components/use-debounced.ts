import { useEffect, useState } from "react";

/**
 * `value` once it has stopped changing for `ms`: a search asks the server per pause in typing, not per key (the
 * palette, the label picker, member and project suggestions).
 */
export function useDebounced<T>(value: T, ms = 200): T {
	const [settled, setSettled] = useState(value);
	useEffect(() => {
		const timer = setTimeout(() => setSettled(value), ms);
		return () => clearTimeout(timer);
	}, [value, ms]);
	return settled;
}
