import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useParams } from "react-router";
import { useUpdateProjectCveAllowlist } from "../../api/cve-allowlists.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import {
	type Project,
	type ProjectMetadata,
	useProject,
	useUpdateProject,
} from "../../api/projects.ts";
import { Button } from "../../components/button.tsx";
import { CveAllowlistEditor } from "../../components/cve-allowlist-editor.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { Skeleton } from "../../components/skeleton.tsx";
import { ProjectScanner } from "./project-scanner.tsx";

/** The switches Harbor's API has, in the order its portal shows them. */
const switches = [
	"public",
	"enable_content_trust_cosign",
	"prevent_vul",
	"auto_scan",
	"auto_sbom_generation",
	"reuse_sys_cve_allowlist",
] as const;
type Switch = (typeof switches)[number];
/**
 * Switches Wharf does not act on yet (cosign checks the server refuses, bff/api/projects/metadata.ts `unenforced`; SBOM
 * generation nothing does yet): shown disabled with a note saying when they come, never offered.
 */
const unavailable: Partial<Record<Switch, string>> = {
	enable_content_trust_cosign: "project.config.unavailableSigning",
	auto_sbom_generation: "project.config.unavailableSbom",
};
const severities = ["none", "low", "medium", "high", "critical"] as const;
type Severity = (typeof severities)[number];

type Form = Record<Switch, boolean> & { severity: Severity };

/** Harbor keeps every switch as the string "true"/"false"; a missing one is off. */
function formOf(p: Project): Form {
	const m = p.metadata ?? {};
	const form = Object.fromEntries(
		switches.map((s) => [s, m[s] === "true"]),
	) as Record<Switch, boolean>;
	const severity = (severities as readonly string[]).includes(m.severity ?? "")
		? (m.severity as Severity)
		: "low";
	return { ...form, severity };
}

const metadataOf = (f: Form): ProjectMetadata => {
	const str = (b: boolean) => (b ? "true" : "false") as "true" | "false";
	return {
		public: str(f.public),
		auto_scan: str(f.auto_scan),
		prevent_vul: str(f.prevent_vul),
		severity: f.severity,
		reuse_sys_cve_allowlist: str(f.reuse_sys_cve_allowlist),
		enable_content_trust_cosign: str(f.enable_content_trust_cosign),
		auto_sbom_generation: str(f.auto_sbom_generation),
	};
};

function ConfigurationForm({
	project,
	editable,
}: {
	project: Project;
	editable: boolean;
}) {
	const { t } = useTranslation();
	const update = useUpdateProject();
	const [form, setForm] = useState<Form>(() => formOf(project));
	const [saved, setSaved] = useState(false);
	const set = (change: Partial<Form>) => {
		setSaved(false);
		update.reset();
		setForm((f) => ({ ...f, ...change }));
	};

	const submit = (e: FormEvent) => {
		e.preventDefault();
		update.mutate(
			{ id: project.project_id, metadata: metadataOf(form) },
			{ onSuccess: () => setSaved(true) },
		);
	};

	return (
		<form onSubmit={submit} className="max-w-2xl">
			{!editable && (
				<p
					className="mb-4 text-sm text-slate-600 dark:text-slate-300"
					data-testid="configuration-read-only"
				>
					{t("project.config.readOnly")}
				</p>
			)}
			<fieldset disabled={!editable} className="space-y-4">
				<legend className="sr-only">{t("project.config.legend")}</legend>
				{switches.map((s) => (
					<div key={s}>
						<div className="flex items-start gap-2">
							<input
								id={`config-${s}`}
								type="checkbox"
								className="mt-1"
								checked={form[s]}
								onChange={(e) => set({ [s]: e.target.checked })}
								disabled={!!unavailable[s]}
								aria-describedby={`config-${s}-hint`}
							/>
							<label htmlFor={`config-${s}`} className="text-sm font-medium">
								{t(`project.config.${s}`)}
							</label>
						</div>
						<p
							id={`config-${s}-hint`}
							className="ml-6 text-xs text-slate-600 dark:text-slate-300"
						>
							{unavailable[s]
								? t(unavailable[s])
								: t(`project.config.${s}Hint`)}
						</p>
						{s === "prevent_vul" && (
							<div className="ml-6 mt-2">
								<label htmlFor="config-severity" className="block text-sm">
									{t("project.config.severity")}
								</label>
								<select
									id="config-severity"
									value={form.severity}
									disabled={!form.prevent_vul || !!unavailable.prevent_vul}
									onChange={(e) =>
										set({ severity: e.target.value as Severity })
									}
									className="mt-1 rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 disabled:opacity-60 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
								>
									{severities.map((v) => (
										<option key={v} value={v}>
											{t(`project.config.severity.${v}`)}
										</option>
									))}
								</select>
							</div>
						)}
					</div>
				))}
			</fieldset>
			<ErrorMessage error={update.error} />
			<div
				role="status"
				className="mt-2 text-sm text-emerald-800 dark:text-emerald-300"
			>
				{saved ? t("project.config.saved") : ""}
			</div>
			{editable && (
				<div className="mt-4 flex gap-2">
					<Button type="submit" disabled={update.isPending}>
						{t("common.save")}
					</Button>
					<Button
						variant="secondary"
						onClick={() => {
							update.reset();
							setSaved(false);
							setForm(formOf(project));
						}}
					>
						{t("project.config.reset")}
					</Button>
				</div>
			)}
		</form>
	);
}

/** The project's own CVE allowlist, saved on its own (a project update that names only the list). */
function ProjectCveAllowlist({
	project,
	editable,
}: {
	project: Project;
	editable: boolean;
}) {
	const { t } = useTranslation();
	const update = useUpdateProjectCveAllowlist();
	return (
		<section className="mt-8" aria-labelledby="project-cve-allowlist-title">
			<h3
				id="project-cve-allowlist-title"
				className="mb-1 text-base font-semibold"
			>
				{t("project.config.cveAllowlist")}
			</h3>
			<p className="mb-3 max-w-2xl text-sm text-slate-600 dark:text-slate-300">
				{t("project.config.cveAllowlistHint")}
			</p>
			<CveAllowlistEditor
				list={
					project.cve_allowlist ?? { project_id: project.project_id, items: [] }
				}
				editable={editable}
				onSave={(list) =>
					update.mutateAsync({ projectId: project.project_id, list })
				}
				pending={update.isPending}
				error={update.error}
				testId="project-cve-allowlist"
			/>
		</section>
	);
}

/** The project's switches, saved together with Harbor's project update; read-only for those who may not update the project. */
export default function ConfigurationTab() {
	const { t } = useTranslation();
	const name = useParams().project ?? "";
	const project = useProject(name);
	const permissions = useProjectPermissions(project.data?.project_id);

	return (
		<div>
			<h2 className="mb-3 text-lg font-semibold">
				{t("project.tab.configuration")}
			</h2>
			<ErrorMessage error={project.error ?? permissions.error} />
			{project.data && permissions.isSuccess ? (
				<>
					<ProjectScanner
						project={project.data.name}
						canChoose={permissions.can("scanner", "create")}
					/>
					<ConfigurationForm
						project={project.data}
						editable={permissions.can("project", "update")}
					/>
					<ProjectCveAllowlist
						project={project.data}
						editable={permissions.can("project", "update")}
					/>
				</>
			) : (
				<Skeleton className="h-48 max-w-2xl" />
			)}
		</div>
	);
}
