import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type Robot,
	type RobotAccess,
	type RobotCreated,
	type RobotPermission,
	robotNamePattern,
	useCreateRobot,
	useGrantable,
	useUpdateRobot,
} from "../../api/robots.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { Field } from "../../components/field.tsx";
import { accessKey } from "./permission-names.ts";
import { PermissionPicker } from "./permission-picker.tsx";
import { ProjectChooser } from "./project-chooser.tsx";

/** Whose robots: one project's, or the system's (which may cover all projects or chosen ones). */
export type RobotOwner =
	| { level: "project"; project: { id: number; name: string } }
	| { level: "system" };

const fromKeys = (keys: Set<string>): RobotAccess[] =>
	[...keys].map((k) => {
		const i = k.indexOf(":");
		return { resource: k.slice(0, i), action: k.slice(i + 1) };
	});

/** Adds what a robot already holds to what may be granted, so editing never hides (and silently drops) a grant. */
const withHeld = (grantable: RobotAccess[], held: Set<string>) => {
	const keys = new Set(grantable.map(accessKey));
	return grantable.concat(
		fromKeys(new Set([...held].filter((k) => !keys.has(k)))),
	);
};

type Expiry = "default" | "days" | "never";

/** The form's starting point: a new robot, or what an existing one holds. */
function initial(robot: Robot | undefined) {
	const project = robot?.permissions.filter((p) => p.kind === "project") ?? [];
	const system = robot?.permissions.filter((p) => p.kind === "system") ?? [];
	return {
		description: robot?.description ?? "",
		// A new robot takes the configured `robot_token_duration` unless the user names a number of days or never.
		expiry: (!robot
			? "default"
			: robot.duration === -1
				? "never"
				: "days") as Expiry,
		days: robot && robot.duration > 0 ? String(robot.duration) : "",
		// A system robot's project grants are edited as one set applied to its projects (Harbor's console does the same).
		projectAccess: new Set(project.flatMap((p) => p.access.map(accessKey))),
		allProjects: robot ? project.some((p) => p.namespace === "*") : true,
		chosen: project.filter((p) => p.namespace !== "*").map((p) => p.namespace),
		systemAccess: new Set(system.flatMap((p) => p.access.map(accessKey))),
	};
}

/**
 * Creates a robot (`robot` absent) or edits one: name, description, expiry and permissions picked from what the server
 * says may be granted (for a project robot, only what the user may do in the project: `ownAccess`).
 */
export function RobotForm({
	owner,
	robot,
	ownAccess,
	onCreated,
	onClose,
}: {
	owner: RobotOwner;
	robot?: Robot;
	ownAccess?: RobotAccess[];
	onCreated: (r: RobotCreated) => void;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const start = initial(robot);
	const [name, setName] = useState("");
	const [description, setDescription] = useState(start.description);
	const [expiry, setExpiry] = useState(start.expiry);
	const [days, setDays] = useState(start.days);
	const [projectAccess, setProjectAccess] = useState(start.projectAccess);
	const [allProjects, setAllProjects] = useState(start.allProjects);
	const [chosen, setChosen] = useState(start.chosen);
	const [systemAccess, setSystemAccess] = useState(start.systemAccess);
	const [submitted, setSubmitted] = useState(false);
	const grantable = useGrantable();
	const create = useCreateRobot();
	const update = useUpdateRobot();
	const mutation = robot ? update : create;
	const expiryName = useId();
	const coverageName = useId();

	const own = ownAccess && new Set(ownAccess.map(accessKey));
	const projectGrantable = withHeld(
		(grantable.data?.project ?? []).filter(
			(a) => !own || own.has(accessKey(a)),
		),
		start.projectAccess,
	);
	const systemGrantable = withHeld(
		grantable.data?.system ?? [],
		start.systemAccess,
	);

	const dayCount = Number(days);
	const problems = {
		name:
			!robot && !robotNamePattern.test(name) ? t("robots.form.nameRule") : null,
		days:
			expiry === "days" && !(Number.isInteger(dayCount) && dayCount > 0)
				? t("robots.form.daysRule")
				: null,
		projects:
			owner.level === "system" &&
			!allProjects &&
			chosen.length === 0 &&
			projectAccess.size > 0
				? t("robots.form.projectsRule")
				: null,
		permissions:
			projectAccess.size + systemAccess.size === 0
				? t("robots.form.permissionsRule")
				: null,
	};

	const permissions = (): RobotPermission[] => {
		const access = fromKeys(projectAccess);
		if (owner.level === "project")
			return [{ kind: "project", namespace: owner.project.name, access }];
		const list: RobotPermission[] = !access.length
			? []
			: allProjects
				? [{ kind: "project", namespace: "*", access }]
				: chosen.map((namespace) => ({
						kind: "project" as const,
						namespace,
						access,
					}));
		if (systemAccess.size)
			list.push({
				kind: "system",
				namespace: "/",
				access: fromKeys(systemAccess),
			});
		return list;
	};

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setSubmitted(true);
		if (Object.values(problems).some(Boolean)) return;
		const duration =
			expiry === "never" ? -1 : expiry === "days" ? dayCount : undefined;
		if (robot) {
			update.mutate(
				{
					robot,
					changes: { description, duration, permissions: permissions() },
				},
				{ onSuccess: onClose },
			);
		} else {
			create.mutate(
				{
					name,
					description,
					level: owner.level,
					duration,
					disable: false,
					permissions: permissions(),
				},
				{ onSuccess: onCreated },
			);
		}
	};

	const fullName =
		owner.level === "project"
			? `robot$${owner.project.name}+${name}`
			: `robot$${name}`;
	const title = robot
		? t("robots.form.editTitle", { name: robot.name })
		: owner.level === "project"
			? t("robots.form.createTitle")
			: t("robots.form.createSystemTitle");
	const radio = "mr-2 h-4 w-4 align-middle";

	return (
		<Dialog open wide title={title} onClose={onClose}>
			<form onSubmit={submit} noValidate>
				{!robot && (
					<Field
						label={t("robots.form.name")}
						value={name}
						autoFocus
						required
						maxLength={255}
						onChange={(e) => setName(e.target.value)}
						error={name || submitted ? problems.name : null}
						hint={t("robots.form.fullName", { name: fullName })}
					/>
				)}
				<Field
					label={t("robots.form.description")}
					value={description}
					maxLength={1024}
					onChange={(e) => setDescription(e.target.value)}
				/>

				<fieldset className="mb-3">
					<legend className="text-sm font-medium">
						{t("robots.form.expiry")}
					</legend>
					<div className="mt-1 flex flex-wrap items-center gap-4 text-sm">
						{!robot && (
							<label>
								<input
									type="radio"
									name={expiryName}
									className={radio}
									checked={expiry === "default"}
									onChange={() => setExpiry("default")}
								/>
								{t("robots.form.expiresDefault")}
							</label>
						)}
						<label>
							<input
								type="radio"
								name={expiryName}
								className={radio}
								checked={expiry === "days"}
								onChange={() => setExpiry("days")}
							/>
							{t("robots.form.expiresAfter")}
						</label>
						<label className="flex items-center gap-2">
							<span className="sr-only">{t("robots.form.days")}</span>
							<input
								type="number"
								min={1}
								step={1}
								value={days}
								disabled={expiry === "never"}
								onChange={(e) => {
									setDays(e.target.value);
									setExpiry("days");
								}}
								aria-invalid={submitted && problems.days ? true : undefined}
								className="w-24 rounded border border-slate-300 bg-white px-2 py-1 text-slate-900 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
							/>
							<span aria-hidden="true">{t("robots.form.daysUnit")}</span>
						</label>
						<label>
							<input
								type="radio"
								name={expiryName}
								className={radio}
								checked={expiry === "never"}
								onChange={() => setExpiry("never")}
							/>
							{t("robots.form.never")}
						</label>
					</div>
					{submitted && problems.days && (
						<p className="mt-1 text-xs text-red-700 dark:text-red-300">
							{problems.days}
						</p>
					)}
				</fieldset>

				{owner.level === "system" && (
					<fieldset className="mb-3">
						<legend className="text-sm font-medium">
							{t("robots.form.coverage")}
						</legend>
						<div className="mt-1 flex gap-4 text-sm">
							<label>
								<input
									type="radio"
									name={coverageName}
									className={radio}
									checked={allProjects}
									onChange={() => setAllProjects(true)}
								/>
								{t("robots.form.allProjects")}
							</label>
							<label>
								<input
									type="radio"
									name={coverageName}
									className={radio}
									checked={!allProjects}
									onChange={() => setAllProjects(false)}
								/>
								{t("robots.form.chosenProjects")}
							</label>
						</div>
						{!allProjects && (
							<ProjectChooser chosen={chosen} onChange={setChosen} />
						)}
						{submitted && problems.projects && (
							<p className="mt-1 text-xs text-red-700 dark:text-red-300">
								{problems.projects}
							</p>
						)}
					</fieldset>
				)}

				<ErrorMessage error={grantable.error} />
				{grantable.isPending && (
					<p className="text-sm text-slate-600 dark:text-slate-300">
						{t("common.loading")}
					</p>
				)}
				{grantable.data && (
					<PermissionPicker
						legend={
							owner.level === "project"
								? t("robots.form.permissions")
								: t("robots.form.projectPermissions")
						}
						grantable={projectGrantable}
						value={projectAccess}
						onChange={setProjectAccess}
					/>
				)}
				{grantable.data &&
					owner.level === "system" &&
					systemGrantable.length > 0 && (
						<details className="mb-3" open={start.systemAccess.size > 0}>
							<summary className="cursor-pointer text-sm font-medium">
								{t("robots.form.systemPermissions")}
							</summary>
							<PermissionPicker
								legend={t("robots.form.systemPermissionsLegend")}
								grantable={systemGrantable}
								value={systemAccess}
								onChange={setSystemAccess}
							/>
						</details>
					)}
				{submitted && problems.permissions && (
					<p className="mb-2 text-xs text-red-700 dark:text-red-300">
						{problems.permissions}
					</p>
				)}

				<DialogActions
					error={mutation.error}
					pending={mutation.isPending}
					submitLabel={robot ? t("common.save") : t("common.create")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
