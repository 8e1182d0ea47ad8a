import { lazy, Suspense, useEffect, useId, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLocation, useNavigate } from "react-router";
import { type CurrentUser, useSignOut } from "../api/session.ts";
import { isSystemAdmin } from "../api/users.ts";
import { languages, setLanguage } from "../i18n/index.ts";
import { paths } from "./paths.ts";
import { useTheme } from "./use-theme.ts";

// Loaded when first opened: it brings the password hints (and the users API) along.
const ChangePasswordDialog = lazy(() => import("./change-password-dialog.tsx"));
const ProfileDialog = lazy(() => import("./profile-dialog.tsx"));
const AboutDialog = lazy(() => import("./about-dialog.tsx"));

const themes = ["light", "dark", "system"] as const;
const item =
	"block w-full rounded px-3 py-1.5 text-left text-sm hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-800 dark:focus-visible:bg-slate-800";

/**
 * The signed-in user's menu: who is signed in, their profile, change password, language, theme, about and sign out. A disclosure (a button
 * and a panel) rather than an ARIA menu, because it holds form controls; Escape (focus back on the button), a click
 * elsewhere or tabbing out closes it.
 */
export function UserMenu({ user }: { user: CurrentUser }) {
	const { t, i18n } = useTranslation();
	const [open, setOpen] = useState(false);
	const [dialog, setDialog] = useState<"password" | "profile" | "about" | null>(
		null,
	);
	const openDialog = (d: "password" | "profile" | "about") => {
		setOpen(false);
		setDialog(d);
	};
	const closeDialog = () => {
		setDialog(null);
		button.current?.focus();
	};
	const [theme, setTheme] = useTheme();
	const signOut = useSignOut();
	const navigate = useNavigate();
	const location = useLocation();
	const root = useRef<HTMLDivElement>(null);
	const button = useRef<HTMLButtonElement>(null);
	const panelId = useId();

	// Moving to another page closes the menu.
	// biome-ignore lint/correctness/useExhaustiveDependencies: the path is the trigger, not an input.
	useEffect(() => setOpen(false), [location.pathname]);

	useEffect(() => {
		if (!open) return;
		const outside = (e: MouseEvent) => {
			if (!root.current?.contains(e.target as Node)) setOpen(false);
		};
		const onEscape = (e: KeyboardEvent) => {
			if (e.key !== "Escape") return;
			setOpen(false);
			button.current?.focus();
		};
		document.addEventListener("mousedown", outside);
		document.addEventListener("keydown", onEscape);
		return () => {
			document.removeEventListener("mousedown", outside);
			document.removeEventListener("keydown", onEscape);
		};
	}, [open]);

	return (
		// Tabbing out of the menu closes it (a blur to nothing, like a click on the panel's text, does not).
		// biome-ignore lint/a11y/noStaticElementInteractions: focus leaving the menu is watched here; nothing is clicked.
		<div
			ref={root}
			className="relative"
			onBlur={(e) => {
				if (
					open &&
					e.relatedTarget &&
					!root.current?.contains(e.relatedTarget as Node)
				)
					setOpen(false);
			}}
		>
			<button
				ref={button}
				type="button"
				aria-expanded={open}
				aria-controls={panelId}
				aria-label={t("user.menuFor", { name: user.username })}
				className="flex items-center gap-2 rounded px-2 py-1 text-sm hover:bg-white/10"
				onClick={() => setOpen((o) => !o)}
			>
				<span
					aria-hidden="true"
					className="flex h-6 w-6 items-center justify-center rounded-full bg-white/20 text-xs font-semibold uppercase"
				>
					{user.username.slice(0, 1)}
				</span>
				<span data-testid="current-user">{user.username}</span>
				<span aria-hidden="true" className="text-xs">
					▾
				</span>
			</button>
			{open && (
				// biome-ignore lint/a11y/useSemanticElements: a labelled group of links and buttons, not form fields (<fieldset>).
				<div
					id={panelId}
					role="group"
					aria-label={t("user.menu")}
					className="absolute right-0 z-20 mt-2 w-64 rounded-lg border border-slate-200 bg-white p-2 text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
				>
					<div className="border-b border-slate-200 px-3 pb-2 pt-1 dark:border-slate-700">
						<p className="text-sm">
							{t("user.signedInAs")} <strong>{user.username}</strong>
						</p>
						{isSystemAdmin(user) && (
							<p className="text-xs text-slate-600 dark:text-slate-300">
								{t("user.sysadmin")}
							</p>
						)}
					</div>
					<div className="py-1">
						<button
							type="button"
							className={item}
							onClick={() => openDialog("profile")}
						>
							{t("user.profile.open")}
						</button>
						{/* An OIDC user's password is the provider's (Harbor's menu leaves it out too). */}
						{!user.oidc_user_meta && (
							<button
								type="button"
								className={item}
								onClick={() => openDialog("password")}
							>
								{t("user.changePassword")}
							</button>
						)}
					</div>
					<div className="space-y-2 border-t border-slate-200 px-3 py-2 dark:border-slate-700">
						<label className="flex items-center justify-between gap-2 text-sm">
							{t("user.language")}
							<select
								data-testid="language"
								value={i18n.language}
								onChange={(e) => setLanguage(e.target.value)}
								className="rounded border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100"
							>
								{languages.map((l) => (
									<option key={l.code} value={l.code} lang={l.code}>
										{l.label}
									</option>
								))}
							</select>
						</label>
						<fieldset>
							<legend className="mb-1 text-sm">{t("user.theme")}</legend>
							<div className="flex gap-1">
								{themes.map((th) => (
									// The radio, transparent, covers its label: the whole segment is the control, and keeps its focus ring.
									<label
										key={th}
										className="relative flex-1 rounded border border-slate-300 px-2 py-1 text-center text-xs has-[:checked]:border-[#0f4c81] has-[:checked]:bg-[#0f4c81] has-[:checked]:text-white dark:border-slate-600"
									>
										<input
											type="radio"
											name="theme"
											value={th}
											checked={theme === th}
											onChange={() => setTheme(th)}
											className="absolute inset-0 h-full w-full cursor-pointer appearance-none rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-[#0f4c81] dark:focus-visible:outline-sky-300"
										/>
										{t(`theme.${th}`)}
									</label>
								))}
							</div>
						</fieldset>
					</div>
					<div className="border-t border-slate-200 pt-1 dark:border-slate-700">
						<button
							type="button"
							className={item}
							onClick={() => openDialog("about")}
						>
							{t("about.open")}
						</button>
						<button
							type="button"
							className={item}
							disabled={signOut.isPending}
							onClick={() =>
								signOut.mutate(undefined, {
									onSuccess: () => navigate(paths.signIn.href()),
								})
							}
						>
							{t("user.signOut")}
						</button>
					</div>
				</div>
			)}
			{dialog && (
				<Suspense fallback={null}>
					{dialog === "password" && (
						<ChangePasswordDialog
							userId={user.user_id}
							open
							onClose={closeDialog}
						/>
					)}
					{dialog === "profile" && (
						<ProfileDialog user={user} onClose={closeDialog} />
					)}
					{dialog === "about" && <AboutDialog onClose={closeDialog} />}
				</Suspense>
			)}
		</div>
	);
}
