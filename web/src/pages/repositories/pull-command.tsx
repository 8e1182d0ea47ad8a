import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useRegistryAddress } from "../../api/system-info.ts";
import { Button } from "../../components/button.tsx";
import { CopyButton } from "../../components/copy-button.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { shortDigest } from "../../components/format.ts";
import { named } from "../../components/named.tsx";
import { pullCommands, type PullTarget as Target } from "./pull-commands.ts";

export function CommandLine({ text, label }: { text: string; label: string }) {
	return (
		<div className="flex items-start gap-2">
			<code className="min-w-0 flex-1 break-all rounded bg-slate-100 px-2 py-1 font-mono text-xs dark:bg-slate-800">
				{text}
			</code>
			<CopyButton text={text} label={label} />
		</div>
	);
}

/**
 * The pull commands (docker and podman, or helm for a chart), by tag (a chosen one when there are several) and by digest,
 * each with copy. `defaultTag`: the tag shown first (the page was opened by it), when the artifact has it.
 */
export function PullCommands({
	target,
	defaultTag,
}: {
	target: Target;
	defaultTag?: string;
}) {
	const { t } = useTranslation();
	const address = useRegistryAddress();
	const [tag, setTag] = useState(
		defaultTag !== undefined && target.tags.includes(defaultTag)
			? defaultTag
			: target.tags[0],
	);
	if (!address.data)
		return (
			<p className="text-sm text-slate-600 dark:text-slate-300">
				{t("common.loading")}
			</p>
		);
	const c = pullCommands(
		address.data,
		target,
		target.tags.includes(tag ?? "") ? tag : target.tags[0],
	);
	return (
		<div className="space-y-3 text-sm">
			{target.tags.length > 1 && (
				<label className="flex items-center gap-2">
					<span>{t("artifacts.pull.tag")}</span>
					<select
						value={tag}
						onChange={(e) => setTag(e.target.value)}
						className="rounded border border-slate-300 bg-white px-2 py-1 dark:border-slate-600 dark:bg-slate-800"
					>
						{target.tags.map((name) => (
							<option key={name} value={name}>
								{name}
							</option>
						))}
					</select>
				</label>
			)}
			{Object.entries(c.tools).map(([tool, lines]) => (
				<div key={tool} className="space-y-1">
					<h3 className="font-medium">{t(`artifacts.pull.${tool}`)}</h3>
					{lines.length === 0 && (
						<p className="text-slate-600 dark:text-slate-300">
							{t("artifacts.pull.helmNeedsTag")}
						</p>
					)}
					{lines.map((line) => (
						<CommandLine
							key={line.by}
							text={line.text}
							label={t("artifacts.pull.copy", {
								tool: t(`artifacts.pull.${tool}`),
								by: t(`artifacts.pull.by.${line.by}`),
							})}
						/>
					))}
				</div>
			))}
			<div className="space-y-1 text-slate-600 dark:text-slate-300">
				<p>{t("artifacts.pull.signInFirst")}</p>
				{Object.entries(c.logins).map(([tool, text]) => (
					<CommandLine
						key={tool}
						text={text}
						label={t("artifacts.pull.copyLogin", {
							tool: t(`artifacts.pull.${tool}`),
						})}
					/>
				))}
				{c.dockerNeedsInsecure && (
					<>
						<p>{t("artifacts.pull.dockerInsecure")}</p>
						<CommandLine
							text={JSON.stringify({ "insecure-registries": [c.host] })}
							label={t("artifacts.pull.copyDaemon")}
						/>
					</>
				)}
			</div>
		</div>
	);
}

/** A button that opens the pull commands for one artifact (used in the artifact list); its name says which artifact. */
export function PullCommandButton({ target }: { target: Target }) {
	const { t } = useTranslation();
	const [open, setOpen] = useState(false);
	return (
		<>
			<Button
				variant="secondary"
				className="px-2! py-0.5! text-xs"
				onClick={() => setOpen(true)}
			>
				{named(t("artifacts.pull.button"), shortDigest(target.digest))}
			</Button>
			<Dialog
				open={open}
				title={t("artifacts.pull.title")}
				onClose={() => setOpen(false)}
				wide
			>
				{open && <PullCommands target={target} />}
			</Dialog>
		</>
	);
}
