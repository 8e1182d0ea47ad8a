import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useChangePassword } from "../api/session.ts";
import { Button } from "../components/button.tsx";
import { Dialog, DialogActions } from "../components/dialog.tsx";
import { Field } from "../components/field.tsx";
import {
	PasswordFields,
	passwordReady,
} from "../components/password-fields.tsx";

/**
 * Changing one's own password: the current one, the new one with Harbor's rule as a checklist filled in while typing,
 * and its confirmation. The server decides; its message is shown when it refuses (a wrong current password, say).
 */
export default function ChangePasswordDialog({
	userId,
	open,
	onClose,
}: {
	userId: number;
	open: boolean;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const change = useChangePassword();
	const [current, setCurrent] = useState("");
	const [password, setPassword] = useState("");
	const [confirm, setConfirm] = useState("");
	const ready = current !== "" && passwordReady(password, confirm);

	const close = () => {
		setCurrent("");
		setPassword("");
		setConfirm("");
		change.reset();
		onClose();
	};
	const submit = (e: FormEvent) => {
		e.preventDefault();
		if (ready)
			change.mutate({ userId, old_password: current, new_password: password });
	};

	return (
		<Dialog open={open} title={t("user.password.title")} onClose={close}>
			{change.isSuccess ? (
				<div>
					<p role="status" className="mb-4 text-sm">
						{t("user.password.changed")}
					</p>
					<div className="flex justify-end">
						<Button onClick={close}>{t("common.close")}</Button>
					</div>
				</div>
			) : (
				<form onSubmit={submit} noValidate>
					<Field
						label={t("user.password.current")}
						type="password"
						autoComplete="current-password"
						required
						value={current}
						onChange={(e) => setCurrent(e.target.value)}
					/>
					<PasswordFields
						label={t("user.password.new")}
						confirmLabel={t("user.password.confirm")}
						mismatchMessage={t("user.password.mismatch")}
						password={password}
						confirm={confirm}
						onPassword={setPassword}
						onConfirm={setConfirm}
					/>
					<DialogActions
						error={change.error}
						pending={change.isPending}
						disabled={!ready}
						onCancel={close}
						submitLabel={
							change.isPending
								? t("user.password.working")
								: t("user.password.submit")
						}
					/>
				</form>
			)}
		</Dialog>
	);
}
