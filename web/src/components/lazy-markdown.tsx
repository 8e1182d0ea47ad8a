import { lazy, Suspense } from "react";

// The Markdown renderer (unified, micromark, GFM: about 190 KB) loads when there is Markdown to show, not with the page.
const Renderer = lazy(() =>
	import("./markdown.tsx").then((m) => ({ default: m.Markdown })),
);

/** `Markdown`, loaded on first use; until then the text as written (escaped, never run). */
export function Markdown(props: { text: string; htmlAsText?: boolean }) {
	return (
		<Suspense
			fallback={<p className="whitespace-pre-wrap text-sm">{props.text}</p>}
		>
			<Renderer {...props} />
		</Suspense>
	);
}
