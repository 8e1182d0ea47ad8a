import { useId } from "react";
import { useTranslation } from "react-i18next";
import { Button } from "../../components/button.tsx";
import { CopyButton } from "../../components/copy-button.tsx";
import { Dialog } from "../../components/dialog.tsx";

/** Saves `{name, secret}` as `robot$name.json`, the file Harbor's portal offers. */
function download(name: string, secret: string) {
	const url = URL.createObjectURL(
		new Blob([JSON.stringify({ name, secret }, null, 2)], {
			type: "application/json",
		}),
	);
	const a = document.createElement("a");
	a.href = url;
	a.download = `${name}.json`;
	document.body.appendChild(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The secret, shown this once (the server keeps only its hash): copy it or download it now. */
export function SecretDialog({
	title,
	name,
	secret,
	onClose,
}: {
	title: string;
	name: string;
	secret: string;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const nameId = useId();
	const secretId = useId();
	const input =
		"mt-1 w-full rounded border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100";
	return (
		<Dialog open title={title} onClose={onClose}>
			<p className="mb-3 rounded border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
				{t("robots.secret.once")}
			</p>
			<div className="mb-3">
				<label htmlFor={nameId} className="block text-sm font-medium">
					{t("robots.secret.name")}
				</label>
				<div className="flex items-center gap-2">
					<input
						id={nameId}
						readOnly
						value={name}
						className={input}
						onFocus={(e) => e.currentTarget.select()}
					/>
					<CopyButton text={name} label={t("robots.secret.copyName")} />
				</div>
			</div>
			<div className="mb-3">
				<label htmlFor={secretId} className="block text-sm font-medium">
					{t("robots.secret.secret")}
				</label>
				<div className="flex items-center gap-2">
					<input
						id={secretId}
						readOnly
						value={secret}
						className={input}
						onFocus={(e) => e.currentTarget.select()}
					/>
					<CopyButton text={secret} label={t("robots.secret.copySecret")} />
				</div>
			</div>
			<div className="mt-5 flex justify-end gap-2">
				<Button variant="secondary" onClick={() => download(name, secret)}>
					{t("robots.secret.download")}
				</Button>
				<Button onClick={onClose}>{t("robots.secret.done")}</Button>
			</div>
		</Dialog>
	);
}
