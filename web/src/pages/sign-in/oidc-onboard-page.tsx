import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { errorText } from "../../api/client.ts";
import { currentUserQuery, onboardOidc } from "../../api/session.ts";
import { paths } from "../../app/paths.ts";
import { Button } from "../../components/button.tsx";
import { Field } from "../../components/field.tsx";

/**
 * Harbor's onboarding step: the provider signed the person in, and (oidc_auto_onboard off) they choose the username
 * they will have here, suggested from the username claim. A taken or invalid name is refused with the server's words.
 */
export default function OidcOnboardPage() {
	const { t } = useTranslation();
	const [params] = useSearchParams();
	const navigate = useNavigate();
	const qc = useQueryClient();
	const [username, setUsername] = useState(params.get("username") ?? "");
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);

	const submit = async (e: FormEvent) => {
		e.preventDefault();
		setBusy(true);
		setError(null);
		try {
			const { next } = await onboardOidc(username);
			qc.removeQueries();
			await qc.fetchQuery({ ...currentUserQuery, staleTime: 0 });
			void navigate(next?.startsWith("/") ? next : paths.projects.href(), {
				replace: true,
			});
		} catch (err) {
			setError(errorText(err));
		} finally {
			setBusy(false);
		}
	};

	return (
		<main className="flex min-h-screen flex-col items-center justify-center gap-4 bg-slate-100 p-4 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
			<form
				onSubmit={submit}
				className="w-80 rounded-lg bg-white p-6 shadow dark:bg-slate-900"
			>
				<h1 className="mb-2 text-xl font-semibold">{t("oidcOnboard.title")}</h1>
				<p className="mb-4 text-sm text-slate-700 dark:text-slate-300">
					{t("oidcOnboard.intro")}
				</p>
				<Field
					label={t("signIn.username")}
					autoComplete="username"
					required
					autoFocus
					value={username}
					onChange={(e) => setUsername(e.target.value)}
				/>
				{error && (
					<p
						role="alert"
						className="mb-3 text-sm text-red-700 dark:text-red-300"
					>
						{error}
					</p>
				)}
				<Button type="submit" disabled={busy} className="w-full py-2">
					{t("oidcOnboard.submit")}
				</Button>
			</form>
		</main>
	);
}
