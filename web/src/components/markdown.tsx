import type { ComponentProps } from "react";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";

// GitHub-flavoured Markdown (tables, strikethrough, task lists, autolinks), as READMEs are written. Tables get borders
// and padding; fenced code is a scrolling block with its own background (inline code keeps the small chip).
const styles = [
	"prose-sm max-w-none space-y-2 [&_a]:underline [&_h1]:text-xl [&_h2]:text-lg [&_li]:ml-5 [&_ul]:list-disc [&_ol]:list-decimal",
	"[&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 dark:[&_code]:bg-slate-800",
	"[&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-3 dark:[&_pre]:bg-slate-800 [&_pre_code]:p-0",
	"[&_table]:border-collapse",
	"[&_th]:border [&_th]:border-slate-300 [&_th]:px-2 [&_th]:py-1 [&_th]:text-left [&_th]:font-semibold dark:[&_th]:border-slate-600",
	"[&_td]:border [&_td]:border-slate-300 [&_td]:px-2 [&_td]:py-1 dark:[&_td]:border-slate-600",
	"[&_li:has(>input)]:list-none",
].join(" ");

// A wide table scrolls inside its own box rather than widening the page (the table keeps its table semantics).
function Table({
	node: _node,
	...props
}: ComponentProps<"table"> & { node?: unknown }) {
	return (
		<div className="max-w-full overflow-x-auto">
			<table {...props} />
		</div>
	);
}

/**
 * Markdown from users (descriptions, chart READMEs), rendered safely: raw HTML is dropped, never run; with
 * `htmlAsText` it is shown as the literal text that was written instead (still never run).
 */
export function Markdown({
	text,
	htmlAsText = false,
}: {
	text: string;
	htmlAsText?: boolean;
}) {
	return (
		<div className={styles}>
			<ReactMarkdown
				remarkPlugins={[remarkGfm]}
				skipHtml={!htmlAsText}
				components={{ table: Table }}
			>
				{text}
			</ReactMarkdown>
		</div>
	);
}
