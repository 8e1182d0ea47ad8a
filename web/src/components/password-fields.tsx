import { Field } from "./field.tsx";
import {
	meetsPasswordRules,
	PasswordChecklist,
} from "./password-checklist.tsx";

/** True when the password meets every hint and the confirmation matches. */
export const passwordReady = (password: string, confirm: string) =>
	meetsPasswordRules(password) && password === confirm;

/**
 * A new password and its confirmation, with Harbor's rule as a checklist that fills in while typing (creating a user,
 * resetting one's password, changing one's own). Each caller names the fields and says the mismatch in its own words.
 * The server still decides: its message is shown if it refuses.
 */
export function PasswordFields(p: {
	password: string;
	confirm: string;
	onPassword: (v: string) => void;
	onConfirm: (v: string) => void;
	label: string;
	confirmLabel: string;
	mismatchMessage: string;
}) {
	const mismatch = p.confirm !== "" && p.confirm !== p.password;
	return (
		<>
			<Field
				label={p.label}
				type="password"
				autoComplete="new-password"
				required
				value={p.password}
				onChange={(e) => p.onPassword(e.target.value)}
			/>
			<PasswordChecklist password={p.password} />
			<Field
				label={p.confirmLabel}
				type="password"
				autoComplete="new-password"
				required
				value={p.confirm}
				onChange={(e) => p.onConfirm(e.target.value)}
				error={mismatch ? p.mismatchMessage : null}
			/>
		</>
	);
}
