import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate, useSearchParams } from "react-router";
import { useSignIn } from "../../api/session.ts";
import { useSystemInfo } from "../../api/system-info.ts";
import { paths } from "../../app/paths.ts";
import { clearSessionEnded } from "../../app/session-ended.ts";
import { Button } from "../../components/button.tsx";
import { Field } from "../../components/field.tsx";
import { languages, setLanguage } from "../../i18n/index.ts";

/** Only a path on this site: a `redirect` to another origin (`//evil`, `https://…`) is never followed. */
function safeRedirect(redirect: string | null): string {
	// Parsed as the browser will parse it: `/\t/evil.com` passes string checks but resolves to another origin.
	if (!redirect?.startsWith("/")) return paths.projects.href();
	const url = new URL(redirect, window.location.origin);
	return url.origin === window.location.origin
		? `${url.pathname}${url.search}${url.hash}`
		: paths.projects.href();
}

/**
 * Sign in, then go back where the user was: the guard (and a request answering 401 when the session ran out) sends
 * the user here with `?redirect=` holding the page they were on.
 */
export default function SignInPage() {
	const { t, i18n } = useTranslation();
	const [params] = useSearchParams();
	const navigate = useNavigate();
	const signIn = useSignIn();
	const [principal, setPrincipal] = useState("");
	const [password, setPassword] = useState("");
	const target = safeRedirect(params.get("redirect"));
	// Under OIDC people sign in at the provider (admin still with a password here, as in Harbor).
	const info = useSystemInfo().data;
	const oidc =
		info?.auth_mode === "oidc_auth" ? (info.oidc_provider_name ?? "") : null;
	// A refused OIDC sign-in comes back here with the reason.
	const oidcError = params.get("oidc_error");
	// The guard says so when a request found the session gone (router state: a reload or a shared link says nothing).
	const expired =
		(useLocation().state as { expired?: boolean } | null)?.expired === true;

	const submit = (e: FormEvent) => {
		e.preventDefault();
		signIn.mutate(
			{ principal, password },
			{
				onSuccess: () => {
					clearSessionEnded();
					void navigate(target, { replace: true });
				},
			},
		);
	};

	return (
		<main className="flex min-h-screen flex-col items-center justify-center gap-4 bg-slate-100 p-4 text-slate-900 dark:bg-slate-950 dark:text-slate-100">
			<form
				onSubmit={submit}
				className="w-80 rounded-lg bg-white p-6 shadow dark:bg-slate-900"
			>
				<p
					aria-hidden="true"
					className="mb-1 text-sm font-semibold text-[#0f4c81] dark:text-sky-300"
				>
					{t("app.name")}
				</p>
				<h1 className="mb-4 text-xl font-semibold">{t("signIn.title")}</h1>
				{expired && (
					<p
						role="status"
						className="mb-4 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
					>
						{t("signIn.expired")}
					</p>
				)}
				{oidcError && (
					<p
						role="alert"
						className="mb-3 text-sm text-red-700 dark:text-red-300"
					>
						{t("signIn.oidcFailed", { message: oidcError })}
					</p>
				)}
				{oidc !== null && (
					<>
						<a
							href={`/c/oidc/login?redirect_url=${encodeURIComponent(target)}`}
							className="mb-4 block w-full rounded bg-[#0f4c81] py-2 text-center font-medium text-white hover:bg-[#0c3d68] focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[#0f4c81] dark:bg-sky-600 dark:hover:bg-sky-500"
						>
							{t("signIn.oidc", { name: oidc || "OIDC" })}
						</a>
						<p className="mb-3 text-center text-xs text-slate-600 dark:text-slate-400">
							{t("signIn.oidcAdmin")}
						</p>
					</>
				)}
				<Field
					label={t("signIn.username")}
					autoComplete="username"
					required
					autoFocus
					value={principal}
					onChange={(e) => setPrincipal(e.target.value)}
				/>
				<Field
					label={t("signIn.password")}
					type="password"
					autoComplete="current-password"
					required
					value={password}
					onChange={(e) => setPassword(e.target.value)}
				/>
				{signIn.error && (
					<p
						role="alert"
						className="mb-3 text-sm text-red-700 dark:text-red-300"
					>
						{t("signIn.failed", { message: signIn.error.message })}
					</p>
				)}
				<Button
					type="submit"
					disabled={signIn.isPending}
					className="w-full py-2"
				>
					{signIn.isPending ? t("signIn.working") : t("signIn.submit")}
				</Button>
			</form>
			<label className="flex items-center gap-2 text-sm">
				{t("signIn.language")}
				<select
					value={i18n.language}
					onChange={(e) => setLanguage(e.target.value)}
					className="rounded border border-slate-300 bg-white px-2 py-1 text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
				>
					{languages.map((l) => (
						<option key={l.code} value={l.code} lang={l.code}>
							{l.label}
						</option>
					))}
				</select>
			</label>
		</main>
	);
}
