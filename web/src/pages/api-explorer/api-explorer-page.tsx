import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client.ts";
import { paths } from "../../app/paths.ts";
import { ErrorMessage } from "../../components/error-message.tsx";
import { inputClass } from "../../components/field.tsx";
import { Skeleton } from "../../components/skeleton.tsx";
import {
	matches,
	type Op,
	operationsByTag,
	type SwaggerDoc,
} from "./swagger.ts";

const methodColors: Record<string, string> = {
	get: "bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100",
	post: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100",
	put: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
	patch: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
	delete: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
};

/** The document, read once per visit (the yaml parser comes with this page only). */
const useSwagger = () =>
	useQuery({
		queryKey: ["swagger"],
		queryFn: async () => {
			const [text, { parse }] = await Promise.all([
				api.text(paths.swaggerFile),
				import("yaml"),
			]);
			return parse(text) as SwaggerDoc;
		},
		staleTime: Infinity,
	});

function Operation({ op, base }: { op: Op; base: string }) {
	const { t } = useTranslation();
	return (
		<details
			data-testid="api-operation"
			className="rounded border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
		>
			<summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2 text-sm">
				<span
					className={`w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs font-semibold uppercase ${methodColors[op.method] ?? "bg-slate-200 dark:bg-slate-700"}`}
				>
					{op.method}
				</span>
				<code className="break-all font-mono">
					{base}
					{op.path}
				</code>
				<span className="text-slate-600 dark:text-slate-300">{op.summary}</span>
				{op.deprecated && (
					<span className="rounded bg-slate-200 px-1.5 text-xs dark:bg-slate-700">
						{t("explorer.deprecated")}
					</span>
				)}
			</summary>
			<div className="space-y-3 border-t border-slate-200 px-3 py-3 text-sm dark:border-slate-800">
				{op.description && (
					<p className="whitespace-pre-line">{op.description}</p>
				)}
				{op.operationId && (
					<p className="text-xs text-slate-600 dark:text-slate-300">
						{t("explorer.operationId")}: <code>{op.operationId}</code>
					</p>
				)}
				{op.parameters.length > 0 && (
					<div className="relative overflow-x-auto">
						<table
							className="w-full text-left text-xs"
							aria-label={t("explorer.parametersOf", {
								op: `${op.method.toUpperCase()} ${op.path}`,
							})}
						>
							<thead>
								<tr className="border-b border-slate-200 dark:border-slate-700">
									<th scope="col" className="py-1 pr-3 font-medium">
										{t("explorer.param.name")}
									</th>
									<th scope="col" className="py-1 pr-3 font-medium">
										{t("explorer.param.in")}
									</th>
									<th scope="col" className="py-1 pr-3 font-medium">
										{t("explorer.param.type")}
									</th>
									<th scope="col" className="py-1 pr-3 font-medium">
										{t("explorer.param.description")}
									</th>
								</tr>
							</thead>
							<tbody>
								{op.parameters.map((p) => (
									<tr
										key={`${p.in}-${p.name}`}
										className="border-b border-slate-100 align-top dark:border-slate-800"
									>
										<td className="py-1 pr-3 font-mono whitespace-nowrap">
											{p.name}
											{p.required && (
												<span
													title={t("explorer.required")}
													className="text-red-700 dark:text-red-300"
												>
													{" "}
													*
												</span>
											)}
										</td>
										<td className="py-1 pr-3">{p.in}</td>
										<td className="py-1 pr-3 font-mono">
											{p.type === "array"
												? `array of ${p.items?.type ?? "any"}`
												: (p.type ??
													(p.schema && "$ref" in p.schema
														? p.schema.$ref.split("/").pop()
														: p.schema?.type) ??
													"")}
										</td>
										<td className="py-1 pr-3 whitespace-pre-line">
											{p.description}
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				)}
				<div>
					<h4 className="font-medium">{t("explorer.responses")}</h4>
					<ul className="mt-1 space-y-0.5">
						{op.responses.map((r) => (
							<li key={r.code}>
								<code className="font-mono font-semibold">{r.code}</code>{" "}
								{r.description}
								{r.schema && (
									<span className="font-mono text-slate-600 dark:text-slate-300">
										{" "}
										— {r.schema}
									</span>
								)}
							</li>
						))}
					</ul>
				</div>
			</div>
		</details>
	);
}

/**
 * The API explorer at Harbor's address (/devcenter-api-2.0): every operation of Harbor's API v2.0 that Wharf follows,
 * by tag, with its parameters and responses, filtered as one types; drawn from /swagger.yaml with nothing fetched
 * from elsewhere.
 */
export default function ApiExplorerPage() {
	const { t } = useTranslation();
	const doc = useSwagger();
	const [q, setQ] = useState("");
	const groups = useMemo(
		() => (doc.data ? operationsByTag(doc.data) : []),
		[doc.data],
	);
	const shown = groups
		.map((g) => ({ ...g, ops: g.ops.filter((op) => matches(op, q)) }))
		.filter((g) => g.ops.length > 0);
	const base = doc.data?.basePath ?? "";
	return (
		<div className="space-y-4">
			<div>
				<h1 className="text-2xl font-semibold">{t("explorer.title")}</h1>
				{doc.data && (
					<p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
						{t("explorer.about", {
							title: doc.data.info?.title ?? "Harbor API",
							version: doc.data.info?.version ?? "",
							base,
						})}{" "}
						<a
							href={paths.swaggerFile}
							className="text-[#0f4c81] underline dark:text-sky-300"
						>
							{t("explorer.download")}
						</a>
					</p>
				)}
				<p className="mt-1 text-sm text-slate-600 dark:text-slate-300">
					{t("explorer.auth")}
				</p>
			</div>
			<ErrorMessage error={doc.error} />
			<label className="block text-sm">
				<span className="block font-medium">{t("explorer.filter")}</span>
				<input
					type="search"
					value={q}
					onChange={(e) => setQ(e.target.value)}
					placeholder={t("explorer.filterPlaceholder")}
					className={`mt-1 w-96 max-w-full ${inputClass}`}
				/>
			</label>
			{doc.isPending && <Skeleton className="h-64 rounded-lg" />}
			{doc.data && shown.length === 0 && (
				<p className="text-sm">{t("explorer.noMatch")}</p>
			)}
			{shown.map((g) => (
				<section
					key={g.tag}
					aria-labelledby={`tag-${g.tag}`}
					className="space-y-1"
				>
					<h2 id={`tag-${g.tag}`} className="text-lg font-semibold">
						{g.tag}
					</h2>
					{g.description && (
						<p className="text-sm text-slate-600 dark:text-slate-300">
							{g.description}
						</p>
					)}
					{g.ops.map((op) => (
						<Operation key={`${op.method} ${op.path}`} op={op} base={base} />
					))}
				</section>
			))}
		</div>
	);
}
