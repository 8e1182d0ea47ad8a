import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { type CurrentUser, useUpdateProfile } from "../api/session.ts";
import { Dialog, DialogActions } from "../components/dialog.tsx";
import { Field } from "../components/field.tsx";

const emailShape = /^[^\s@]+@[^\s@]+$/;

/** One's own profile, as Harbor's "User Profile": the username shown, email, full name and comment changed. */
export default function ProfileDialog({
	user,
	onClose,
}: {
	user: CurrentUser;
	onClose: () => void;
}) {
	const { t } = useTranslation();
	const save = useUpdateProfile();
	const [email, setEmail] = useState(user.email ?? "");
	const [realname, setRealname] = useState(user.realname ?? "");
	const [comment, setComment] = useState(user.comment ?? "");
	const [tried, setTried] = useState(false);
	const emailError =
		email.trim() && !emailShape.test(email.trim())
			? t("user.profile.emailInvalid")
			: null;
	const submit = (e: FormEvent) => {
		e.preventDefault();
		setTried(true);
		if (emailError) return;
		save.mutate(
			{
				userId: user.user_id,
				email: email.trim(),
				realname: realname.trim(),
				comment,
			},
			{ onSuccess: onClose },
		);
	};
	return (
		<Dialog open title={t("user.profile.title")} onClose={onClose}>
			<form onSubmit={submit} noValidate>
				<Field
					label={t("user.profile.username")}
					value={user.username}
					readOnly
					disabled
					hint={t("user.profile.usernameHint")}
				/>
				<Field
					label={t("user.profile.email")}
					type="email"
					value={email}
					onChange={(e) => setEmail(e.target.value)}
					autoComplete="email"
					error={tried ? emailError : null}
				/>
				<Field
					label={t("user.profile.realname")}
					value={realname}
					onChange={(e) => setRealname(e.target.value)}
					autoComplete="name"
				/>
				<Field
					label={t("user.profile.comment")}
					value={comment}
					onChange={(e) => setComment(e.target.value)}
				/>
				<DialogActions
					error={save.error}
					pending={save.isPending}
					submitLabel={t("common.save")}
					onCancel={onClose}
				/>
			</form>
		</Dialog>
	);
}
