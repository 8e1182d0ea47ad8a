import { useTranslation } from "react-i18next";
import { passwordHints } from "../api/users.ts";

const rules = ["length", "upper", "lower", "digit"] as const;

/** True when the password meets every rule of the checklist (the server still decides). */
export const meetsPasswordRules = (password: string) => {
	const hints = passwordHints(password);
	return rules.every((r) => hints[r]);
};

/**
 * Harbor's password rule as a checklist that fills in while typing, under a new-password field (changing one's own
 * password, creating a user, resetting one). Only a hint: the server's message is shown if it refuses.
 */
export function PasswordChecklist({ password }: { password: string }) {
	const { t } = useTranslation();
	const hints = passwordHints(password);
	return (
		<ul
			aria-label={t("user.password.rules")}
			data-testid="password-rules"
			className="-mt-2 mb-3 space-y-0.5 text-xs"
		>
			{rules.map((rule) => (
				<li
					key={rule}
					data-met={hints[rule]}
					className={
						hints[rule]
							? "text-emerald-800 dark:text-emerald-300"
							: password
								? "text-red-700 dark:text-red-300"
								: "text-slate-600 dark:text-slate-300"
					}
				>
					<span aria-hidden="true">{hints[rule] ? "✓ " : "• "}</span>
					{t(`user.password.rule.${rule}`)}
					<span className="sr-only">
						{" "}
						{hints[rule] ? t("user.password.met") : t("user.password.unmet")}
					</span>
				</li>
			))}
		</ul>
	);
}
