/**
 * Why a project name would be refused, as an i18n key, or null when it fits. An input hint only: it follows Harbor's
 * rule as the server applies it (lowercase letters and digits, single `.`, `_` or `-` between them, 1–255 characters),
 * and the server still decides.
 */
export function projectNameProblem(name: string): string | null {
	if (name.length === 0) return "projects.nameRule.required";
	if (name.length > 255) return "projects.nameRule.tooLong";
	if (/[A-Z]/.test(name)) return "projects.nameRule.lowercase";
	if (/[^a-z0-9._-]/.test(name)) return "projects.nameRule.characters";
	if (/^[._-]/.test(name)) return "projects.nameRule.start";
	if (/[._-]$/.test(name)) return "projects.nameRule.end";
	if (/[._-]{2}/.test(name)) return "projects.nameRule.separators";
	return null;
}
