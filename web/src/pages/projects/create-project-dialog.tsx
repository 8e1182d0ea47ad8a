import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import { proxyCacheTypes, useCreateProject } from "../../api/projects.ts";
import { useRegistries } from "../../api/registries.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";
import {
	type StorageDraft,
	storageDraftBytes,
} from "../../components/storage-limit.ts";
import { StorageLimitInput } from "../../components/storage-limit-input.tsx";
import {
	creationRequest,
	noProxy,
	type ProxyDraft,
	proxyProblem,
} from "./creation-request.ts";
import { projectNameProblem } from "./project-name-rule.ts";

const unlimited: StorageDraft = { unlimited: true, amount: "", unit: "GiB" };

/**
 * New project: the name is checked as it is typed and a wrong one is explained before anything is sent. Only a system
 * admin sets the storage limit (the server gives everyone else the default), so only they are asked for one; and only
 * they make a proxy cache, offered once an endpoint it can pull through exists.
 */
export function CreateProjectDialog({
	open,
	onClose,
	onCreated,
	isAdmin,
}: {
	open: boolean;
	onClose: () => void;
	onCreated: (name: string) => void;
	isAdmin: boolean;
}) {
	const { t } = useTranslation();
	const create = useCreateProject();
	const [name, setName] = useState("");
	const [tried, setTried] = useState(false);
	const [isPublic, setPublic] = useState(false);
	const [storage, setStorage] = useState<StorageDraft>(unlimited);
	const [proxy, setProxy] = useState<ProxyDraft>(noProxy);

	const nameProblem = projectNameProblem(name);
	// An empty name is pointed out only once the user tries to create; a wrong character as soon as it is typed.
	const shownNameProblem =
		nameProblem && (name !== "" || tried) ? t(nameProblem) : null;
	const limit = storageDraftBytes(storage);
	const limitProblem = isAdmin && limit === null;
	const proxyProblems = proxyProblem(proxy);

	const close = () => {
		setName("");
		setTried(false);
		setPublic(false);
		setStorage(unlimited);
		setProxy(noProxy);
		create.reset();
		onClose();
	};

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		if (nameProblem || limitProblem || Object.keys(proxyProblems).length)
			return;
		create.mutate(creationRequest({ name, isPublic, isAdmin, limit, proxy }), {
			onSuccess: () => {
				const created = name;
				close();
				onCreated(created);
			},
		});
	};

	return (
		<Dialog open={open} title={t("projects.create.title")} onClose={close}>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("projects.create.name")}
					value={name}
					autoFocus
					autoComplete="off"
					spellCheck={false}
					onChange={(e) => setName(e.target.value)}
					error={shownNameProblem}
					hint={t("projects.nameRule.hint")}
				/>
				<div className="mb-3 flex items-start gap-2">
					<input
						id="create-project-public"
						type="checkbox"
						className="mt-1"
						checked={isPublic}
						onChange={(e) => setPublic(e.target.checked)}
					/>
					<label htmlFor="create-project-public" className="text-sm">
						<span className="font-medium">{t("projects.create.public")}</span>
						<span className="block text-xs text-slate-600 dark:text-slate-300">
							{t("projects.create.publicHint")}
						</span>
					</label>
				</div>
				{isAdmin && (
					<StorageLimitInput
						label={t("projects.create.storageLimit")}
						value={storage}
						onChange={setStorage}
						hint={t("projects.create.storageHint")}
					/>
				)}
				{isAdmin && open && (
					<ProxyCacheFields
						value={proxy}
						onChange={setProxy}
						problems={tried ? proxyProblems : {}}
					/>
				)}
				<DialogActions
					error={create.error}
					pending={create.isPending}
					submitLabel={t("common.create")}
					onCancel={close}
					spacing="mt-5"
				/>
			</form>
		</Dialog>
	);
}

/**
 * The proxy-cache switch, its endpoint and its upstream bandwidth. Shown only when an endpoint of a type a proxy cache
 * may pull through exists (a switch with nothing to choose would do nothing).
 */
function ProxyCacheFields({
	value,
	onChange,
	problems,
}: {
	value: ProxyDraft;
	onChange: (d: ProxyDraft) => void;
	problems: { registry?: string; speed?: string };
}) {
	const { t } = useTranslation();
	const id = useId();
	const registries = useRegistries({ page: 1, pageSize: 100, sort: "name" });
	const endpoints =
		registries.data?.items.filter((r) => proxyCacheTypes.includes(r.type)) ??
		[];
	if (!endpoints.length) return null;
	const set = (changes: Partial<ProxyDraft>) =>
		onChange({ ...value, ...changes });
	return (
		<div className="mb-3">
			<div className="flex items-start gap-2">
				<input
					id={`${id}-switch`}
					type="checkbox"
					role="switch"
					className="mt-1"
					checked={value.enabled}
					aria-checked={value.enabled}
					aria-describedby={`${id}-switch-hint`}
					onChange={(e) =>
						set({
							enabled: e.target.checked,
							registryId: value.registryId ?? endpoints[0].id,
						})
					}
				/>
				<label htmlFor={`${id}-switch`} className="text-sm">
					<span className="font-medium">{t("projects.create.proxyCache")}</span>
					<span
						id={`${id}-switch-hint`}
						className="block text-xs text-slate-600 dark:text-slate-300"
					>
						{t("projects.create.proxyCacheHint")}
					</span>
				</label>
			</div>
			{value.enabled && (
				<div className="mt-3">
					<label
						htmlFor={`${id}-endpoint`}
						className="block text-sm font-medium"
					>
						{t("projects.create.proxyEndpoint")}
					</label>
					<select
						id={`${id}-endpoint`}
						className={`${inputClass} mt-1 w-full`}
						value={value.registryId ?? ""}
						aria-invalid={problems.registry ? true : undefined}
						onChange={(e) =>
							set({
								registryId: e.target.value ? Number(e.target.value) : null,
							})
						}
					>
						{endpoints.map((r) => (
							<option key={r.id} value={r.id}>
								{r.name} — {r.url}
							</option>
						))}
					</select>
					{problems.registry && (
						<p className="mt-1 text-xs text-red-700 dark:text-red-300">
							{t(problems.registry)}
						</p>
					)}
					<div className="mt-3">
						<Field
							label={t("projects.create.proxySpeed")}
							value={value.speed}
							inputMode="numeric"
							hint={t("projects.create.proxySpeedHint")}
							error={problems.speed ? t(problems.speed) : null}
							onChange={(e) => set({ speed: e.target.value })}
						/>
					</div>
				</div>
			)}
		</div>
	);
}
