import { type FormEvent, useId, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	roleIds,
	useAddMember,
	useGroupSearch,
	useUserSearch,
} from "../../api/members.ts";
import { Dialog, DialogActions } from "../../components/dialog.tsx";
import { Field, inputClass } from "../../components/field.tsx";
import { useDebounced } from "../../components/use-debounced.ts";

/**
 * Adds a user or a group with a role; usernames and known groups' names are suggested from Harbor's searches as the
 * user types. A group is a known one by its name, or an LDAP group by its DN (the server checks it with the directory).
 */
export function AddMemberDialog({
	open,
	projectId,
	onClose,
}: {
	open: boolean;
	projectId: number;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const id = useId();
	const add = useAddMember(projectId);
	const [kind, setKind] = useState<"user" | "group">("user");
	const [username, setUsername] = useState("");
	const [role, setRole] = useState<number>(3);
	const [tried, setTried] = useState(false);
	// The search waits for a pause in typing.
	const part = useDebounced(username.trim(), 200);
	const suggestions = useUserSearch(open && kind === "user" ? part : "");
	const groups = useGroupSearch(open && kind === "group" ? part : "");

	const close = () => {
		setKind("user");
		setUsername("");
		setRole(3);
		setTried(false);
		add.reset();
		onClose();
	};
	const missing =
		tried && username.trim() === ""
			? t(
					kind === "user"
						? "project.members.usernameRequired"
						: "project.members.groupDnRequired",
				)
			: null;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		const name = username.trim();
		if (name === "") return;
		const known =
			kind === "group"
				? groups.data?.items.find((g) => g.group_name === name)
				: undefined;
		add.mutate(
			kind === "user"
				? { username: name, role_id: role }
				: known
					? { group_id: known.id, role_id: role }
					: { ldap_group_dn: name, role_id: role },
			{ onSuccess: close },
		);
	};

	return (
		<Dialog open={open} title={t("project.members.addTitle")} onClose={close}>
			<form onSubmit={submit} noValidate>
				<fieldset className="mb-3">
					<legend className="text-sm font-medium">
						{t("project.members.kind")}
					</legend>
					<div className="mt-1 flex gap-4 text-sm">
						{(["user", "group"] as const).map((k) => (
							<label key={k} className="flex items-center gap-1.5">
								<input
									type="radio"
									name={`${id}-kind`}
									checked={kind === k}
									onChange={() => {
										setKind(k);
										setUsername("");
										setTried(false);
										add.reset();
									}}
								/>
								{t(
									k === "user"
										? "project.members.user"
										: "project.members.ldapGroup",
								)}
							</label>
						))}
					</div>
				</fieldset>
				{kind === "user" ? (
					<Field
						label={t("project.members.username")}
						list={`${id}-suggestions`}
						autoComplete="off"
						autoFocus
						value={username}
						onChange={(e) => {
							setUsername(e.target.value);
							add.reset();
						}}
						error={missing}
						hint={t("project.members.usernameHint")}
					/>
				) : (
					<Field
						label={t("project.members.groupDn")}
						list={`${id}-groups`}
						autoComplete="off"
						value={username}
						placeholder="cn=developers,ou=groups,dc=example,dc=com"
						onChange={(e) => {
							setUsername(e.target.value);
							add.reset();
						}}
						error={missing}
						hint={t("project.members.groupDnHint")}
					/>
				)}
				<datalist id={`${id}-groups`} data-testid="group-suggestions">
					{groups.data?.items.map((g) => (
						<option key={g.id} value={g.group_name} />
					))}
				</datalist>
				<datalist id={`${id}-suggestions`} data-testid="user-suggestions">
					{suggestions.data?.items.map((u) => (
						<option key={u.user_id} value={u.username} />
					))}
				</datalist>
				<div className="mb-3">
					<label htmlFor={`${id}-role`} className="block text-sm font-medium">
						{t("project.members.role")}
					</label>
					<select
						id={`${id}-role`}
						className={`mt-1 w-full ${inputClass}`}
						value={role}
						onChange={(e) => {
							setRole(Number(e.target.value));
							add.reset();
						}}
					>
						{roleIds.map((r) => (
							<option key={r} value={r}>
								{t(`role.${r}`)}
							</option>
						))}
					</select>
				</div>
				<DialogActions
					error={add.error}
					pending={add.isPending}
					submitLabel={t("project.members.addSubmit")}
					onCancel={close}
					spacing="mt-5"
				/>
			</form>
		</Dialog>
	);
}
