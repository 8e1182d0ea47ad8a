import { useCallback, useRef } from "react";
import { useSearchParams } from "react-router";

/**
 * An id chosen on the page and kept in the URL (`?rule=3`), so a link shows the same thing. Setting it changes only
 * this parameter (and drops `clears`, what depended on it) over the URL as it is now: react-router hands a functional
 * update the parameters of the render that made it, and a callback that runs after a request (a rule selected once it
 * has started) would otherwise undo what changed meanwhile (a search typed in the filter box).
 */
export function useSelectionParam(name: string, clears: string[] = []) {
	const [params, setParams] = useSearchParams();
	const latest = useRef(params);
	latest.current = params;
	const setterRef = useRef(setParams);
	setterRef.current = setParams;
	const value = Number(params.get(name)) || null;
	// By content: `clears` is a new array literal on every render.
	const clearList = clears.join(",");
	const set = useCallback(
		(id: number | null) => {
			const next = new URLSearchParams(latest.current);
			if (id === null) next.delete(name);
			else next.set(name, String(id));
			for (const c of clearList.split(",")) if (c) next.delete(c);
			setterRef.current(next, { replace: true });
		},
		[name, clearList],
	);
	return [value, set] as const;
}
