import { RegistryError } from "./errors.ts";

// The distribution spec's repository name grammar.
const component = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const namePattern = new RegExp(`^${component}(?:/${component})*$`);
const tagPattern = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const maxNameLength = 255;

/** Whether `name` follows the grammar and names a project: `<project>/<path…>`. */
export const isRepositoryName = (name: string) =>
	name.length <= maxNameLength && namePattern.test(name) && name.includes("/");

/** Validates `<project>/<path…>` and splits off the project. Path tricks (`..`, `%2e`, `//`) fail the grammar. */
export function parseRepositoryName(name: string): {
	project: string;
	name: string;
} {
	if (name.length > maxNameLength || !namePattern.test(name)) {
		throw new RegistryError("NAME_INVALID", "invalid repository name", {
			name: name.slice(0, 300),
		});
	}
	const slash = name.indexOf("/");
	if (slash < 0)
		throw new RegistryError(
			"NAME_INVALID",
			"repository name must be <project>/<repository>",
			{ name },
		);
	return { project: name.slice(0, slash), name };
}

export const isTag = (reference: string) => tagPattern.test(reference);
