import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useCurrentUser } from "../../api/session.ts";
import {
	type User,
	useCreateUser,
	useDeleteUser,
	useResetPassword,
	useSetDisabled,
	useSetSysadmin,
	useUsers,
} from "../../api/users.ts";
import { Button } from "../../components/button.tsx";
import { ConfirmDialog } from "../../components/confirm-dialog.tsx";
import { type Column, DataTable } from "../../components/data-table.tsx";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { EmptyState } from "../../components/empty-state.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { Field } from "../../components/field.tsx";
import { FilterInput } from "../../components/filter-input.tsx";
import { formatTime } from "../../components/format.ts";
import { named } from "../../components/named.tsx";
import {
	PasswordFields,
	passwordReady,
} from "../../components/password-fields.tsx";
import { useListParams } from "../../components/use-list-params.ts";

/** /admin/users: search, create, promote/demote, disable/enable, reset passwords, delete. */
export default function UsersPage() {
	const { t, i18n } = useTranslation();
	const list = useListParams();
	const username = list.filter("username");
	const users = useUsers({
		page: list.page,
		pageSize: list.pageSize,
		username,
		sort: list.sort || undefined,
	});
	const { data: me } = useCurrentUser();

	const [creating, setCreating] = useState(false);
	const [resetting, setResetting] = useState<User | null>(null);
	const [deleting, setDeleting] = useState<User | null>(null);
	const [disabling, setDisabling] = useState<User | null>(null);
	const setDisabled = useSetDisabled();
	const [status, setStatus] = useState("");
	const setSysadmin = useSetSysadmin();
	const remove = useDeleteUser();

	// Making (or unmaking) a system administrator is asked first, naming what it gives or takes.
	const [changingAdmin, setChangingAdmin] = useState<User | null>(null);
	const toggleAdmin = (u: User) =>
		setSysadmin.mutate(
			{ id: u.user_id, sysadmin: !u.sysadmin_flag },
			{
				onSuccess: () => {
					setStatus(
						t(
							u.sysadmin_flag ? "admin.users.demoted" : "admin.users.promoted",
							{ name: u.username },
						),
					);
					setChangingAdmin(null);
				},
			},
		);

	const columns: Column<User>[] = [
		{
			id: "username",
			header: t("admin.users.username"),
			meta: { sortKey: "username" },
			cell: ({ row }) => (
				<span className="font-medium">
					{row.original.username}
					{row.original.disable && (
						<span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
							{t("admin.users.disabled")}
						</span>
					)}
				</span>
			),
		},
		{
			id: "admin",
			header: t("admin.users.role"),
			cell: ({ row }) =>
				row.original.sysadmin_flag ? (
					<span className="rounded bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-900 dark:bg-sky-900 dark:text-sky-100">
						{t("admin.users.administrator")}
					</span>
				) : (
					<span className="text-slate-600 dark:text-slate-300">
						{t("admin.users.regular")}
					</span>
				),
		},
		{
			id: "email",
			header: t("admin.users.email"),
			meta: { sortKey: "email" },
			cell: ({ row }) => row.original.email,
		},
		{
			id: "realname",
			header: t("admin.users.realname"),
			cell: ({ row }) => row.original.realname,
		},
		{
			id: "created",
			header: t("admin.users.created"),
			meta: { sortKey: "creation_time" },
			cell: ({ row }) => formatTime(row.original.creation_time, i18n.language),
		},
		{
			id: "actions",
			header: t("common.actions"),
			cell: ({ row }) => {
				const u = row.original;
				if (u.user_id === me?.user_id)
					return (
						<span className="text-slate-600 dark:text-slate-300">
							{t("admin.users.you")}
						</span>
					);
				// Which users cannot be demoted or deleted (Harbor's built-in admin) is the server's rule: it refuses, and
				// its message is shown (above the table, or in the delete dialog).
				return (
					<div className="-my-1.5 flex flex-wrap gap-1">
						<Button
							variant="ghost"
							onClick={() => {
								setSysadmin.reset();
								setChangingAdmin(u);
							}}
						>
							{named(
								u.sysadmin_flag
									? t("admin.users.demote")
									: t("admin.users.promote"),
								u.username,
							)}
						</Button>
						<Button variant="ghost" onClick={() => setResetting(u)}>
							{named(t("admin.users.resetPassword"), u.username)}
						</Button>
						{u.disable ? (
							<Button
								variant="ghost"
								disabled={setDisabled.isPending}
								onClick={() =>
									setDisabled.mutate(
										{ id: u.user_id, disable: false },
										{
											onSuccess: () =>
												setStatus(
													t("admin.users.enabled", { name: u.username }),
												),
										},
									)
								}
							>
								{named(t("admin.users.enable"), u.username)}
							</Button>
						) : (
							<Button
								variant="ghost"
								onClick={() => {
									setDisabled.reset();
									setDisabling(u);
								}}
							>
								{named(t("admin.users.disable"), u.username)}
							</Button>
						)}
						<button
							type="button"
							onClick={() => {
								remove.reset();
								setDeleting(u);
							}}
							className="rounded px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950"
						>
							{named(t("common.delete"), u.username)}
						</button>
					</div>
				);
			},
		},
	];

	return (
		<section>
			<div className="mb-4 flex flex-wrap items-center gap-3">
				<h1 className="text-2xl font-semibold">{t("nav.admin.users")}</h1>
				<Button className="ml-auto" onClick={() => setCreating(true)}>
					{t("admin.users.new")}
				</Button>
			</div>
			{/* The admin lists' one search box, in one place: above the table, labelled. */}
			<div className="mb-3">
				<FilterInput
					label={t("admin.users.search")}
					placeholder={t("admin.users.searchPlaceholder")}
					value={username}
					onCommit={(v) => list.update({ username: v })}
				/>
			</div>
			<p
				role="status"
				className="min-h-5 text-sm text-emerald-800 dark:text-emerald-300"
			>
				{status}
			</p>
			{!disabling && <ErrorMessage error={setDisabled.error} />}
			<DataTable
				label={t("nav.admin.users")}
				columns={columns}
				rows={users.data?.items}
				rowKey={(u) => u.user_id}
				isPending={users.isPending}
				isPlaceholderData={users.isPlaceholderData}
				error={users.error}
				total={users.data?.total}
				{...list.tableProps}
				rowTestId="user-row"
				empty={
					<EmptyState
						title={
							username
								? t("admin.users.noMatch", { q: username })
								: t("admin.users.none")
						}
					>
						{username
							? t("admin.users.noMatchHint")
							: t("admin.users.noneHint")}
					</EmptyState>
				}
			/>

			<CreateUserDialog
				open={creating}
				onClose={() => setCreating(false)}
				onCreated={(name) =>
					setStatus(t("admin.users.createdStatus", { name }))
				}
			/>
			{resetting && (
				<ResetPasswordDialog
					user={resetting}
					onClose={() => setResetting(null)}
					onDone={() =>
						setStatus(
							t("admin.users.passwordReset", { name: resetting.username }),
						)
					}
				/>
			)}
			<ConfirmDialog
				open={!!disabling}
				title={t("admin.users.disableTitle")}
				confirmLabel={t("admin.users.disable")}
				pending={setDisabled.isPending}
				error={setDisabled.error}
				onClose={() => setDisabling(null)}
				onConfirm={() =>
					disabling &&
					setDisabled.mutate(
						{ id: disabling.user_id, disable: true },
						{
							onSuccess: () => {
								setStatus(
									t("admin.users.disabledStatus", { name: disabling.username }),
								);
								setDisabling(null);
							},
						},
					)
				}
			>
				{t("admin.users.disableBody", { name: disabling?.username ?? "" })}
			</ConfirmDialog>
			<ConfirmDialog
				open={!!changingAdmin}
				pending={setSysadmin.isPending}
				error={setSysadmin.error}
				onClose={() => setChangingAdmin(null)}
				title={t(
					changingAdmin?.sysadmin_flag
						? "admin.users.demoteTitle"
						: "admin.users.promoteTitle",
					{ name: changingAdmin?.username ?? "" },
				)}
				confirmLabel={t(
					changingAdmin?.sysadmin_flag
						? "admin.users.demote"
						: "admin.users.promote",
				)}
				onConfirm={() => changingAdmin && toggleAdmin(changingAdmin)}
			>
				{t(
					changingAdmin?.sysadmin_flag
						? "admin.users.demoteBody"
						: "admin.users.promoteBody",
					{ name: changingAdmin?.username ?? "" },
				)}
			</ConfirmDialog>
			<ConfirmDialog
				open={!!deleting}
				title={t("admin.users.deleteTitle")}
				confirmLabel={t("common.delete")}
				pending={remove.isPending}
				error={remove.error}
				onClose={() => setDeleting(null)}
				onConfirm={() =>
					deleting &&
					remove.mutate(deleting.user_id, {
						onSuccess: () => {
							setStatus(t("admin.users.deleted", { name: deleting.username }));
							setDeleting(null);
						},
					})
				}
			>
				{t("admin.users.deleteBody", { name: deleting?.username ?? "" })}
			</ConfirmDialog>
		</section>
	);
}

function CreateUserDialog({
	open,
	onClose,
	onCreated,
}: {
	open: boolean;
	onClose: () => void;
	onCreated: (name: string) => void;
}) {
	const { t } = useTranslation();
	const create = useCreateUser();
	const empty = {
		username: "",
		email: "",
		realname: "",
		password: "",
		confirm: "",
	};
	const [form, setForm] = useState(empty);
	const [tried, setTried] = useState(false);
	const set = (k: keyof typeof empty) => (v: string) =>
		setForm((f) => ({ ...f, [k]: v }));
	const close = () => {
		setForm(empty);
		setTried(false);
		create.reset();
		onClose();
	};

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		// The rule's hints are shown before sending; anything else (e-mail format, a taken name) is the server's to say.
		if (!passwordReady(form.password, form.confirm)) return;
		const { confirm: _, ...user } = form;
		create.mutate(user, {
			onSuccess: () => {
				onCreated(form.username);
				close();
			},
		});
	};

	return (
		<Dialog open={open} title={t("admin.users.createTitle")} onClose={close}>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("admin.users.username")}
					autoComplete="off"
					required
					value={form.username}
					onChange={(e) => set("username")(e.target.value)}
					hint={t("admin.users.usernameHint")}
				/>
				<Field
					label={t("admin.users.email")}
					type="email"
					autoComplete="off"
					required
					value={form.email}
					onChange={(e) => set("email")(e.target.value)}
				/>
				<Field
					label={t("admin.users.realname")}
					autoComplete="off"
					required
					value={form.realname}
					onChange={(e) => set("realname")(e.target.value)}
				/>
				<PasswordFields
					label={t("admin.users.password")}
					confirmLabel={t("admin.password.confirm")}
					mismatchMessage={t("admin.password.mismatch")}
					password={form.password}
					confirm={form.confirm}
					onPassword={set("password")}
					onConfirm={set("confirm")}
				/>
				{tried && !passwordReady(form.password, form.confirm) && (
					<p
						role="alert"
						className="mb-2 text-sm text-red-700 dark:text-red-300"
					>
						{t("admin.password.notReady")}
					</p>
				)}
				<DialogActions
					error={create.error}
					pending={create.isPending}
					submitLabel={t("common.create")}
					onCancel={close}
				/>
			</form>
		</Dialog>
	);
}

function ResetPasswordDialog({
	user,
	onClose,
	onDone,
}: {
	user: User;
	onClose: () => void;
	onDone: () => void;
}) {
	const { t } = useTranslation();
	const reset = useResetPassword();
	const [password, setPassword] = useState("");
	const [confirm, setConfirm] = useState("");
	const [tried, setTried] = useState(false);
	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		if (!passwordReady(password, confirm)) return;
		reset.mutate(
			{ id: user.user_id, password },
			{
				onSuccess: () => {
					onDone();
					onClose();
				},
			},
		);
	};
	return (
		<Dialog
			open
			title={t("admin.users.resetTitle", { name: user.username })}
			onClose={onClose}
		>
			<form onSubmit={submit} noValidate>
				<PasswordFields
					label={t("admin.password.new")}
					confirmLabel={t("admin.password.confirm")}
					mismatchMessage={t("admin.password.mismatch")}
					password={password}
					confirm={confirm}
					onPassword={setPassword}
					onConfirm={setConfirm}
				/>
				{tried && !passwordReady(password, confirm) && (
					<p
						role="alert"
						className="mb-2 text-sm text-red-700 dark:text-red-300"
					>
						{t("admin.password.notReady")}
					</p>
				)}
				<DialogActions
					error={reset.error}
					pending={reset.isPending}
					submitLabel={t("admin.users.resetSubmit")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
