import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import {
	type CurrentUser,
	generateCliSecret,
	useSetCliSecret,
	useUpdateProfile,
} from "../api/session.ts";
import { Button } from "../components/button.tsx";
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
				{user.oidc_user_meta?.secret !== undefined && (
					<CliSecret
						userId={user.user_id}
						secret={user.oidc_user_meta.secret}
					/>
				)}
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

/** An OIDC user's CLI secret: their password for docker and podman, hidden until shown, and replaced on demand. */
function CliSecret({ userId, secret }: { userId: number; secret: string }) {
	const { t } = useTranslation();
	const [shown, setShown] = useState(false);
	const renew = useSetCliSecret();
	return (
		<div className="mb-4">
			<Field
				label={t("user.profile.cliSecret")}
				value={secret}
				type={shown ? "text" : "password"}
				readOnly
				hint={t("user.profile.cliSecretHint")}
			/>
			<div className="flex gap-2">
				<Button
					type="button"
					variant="secondary"
					onClick={() => setShown((v) => !v)}
				>
					{shown
						? t("user.profile.cliSecretHide")
						: t("user.profile.cliSecretShow")}
				</Button>
				<Button
					type="button"
					variant="secondary"
					disabled={renew.isPending}
					onClick={() => renew.mutate({ userId, secret: generateCliSecret() })}
				>
					{t("user.profile.cliSecretRenew")}
				</Button>
			</div>
			{renew.error && (
				<p role="alert" className="mt-2 text-sm text-red-700 dark:text-red-300">
					{renew.error.message}
				</p>
			)}
		</div>
	);
}
