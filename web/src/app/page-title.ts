import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useMatches } from "react-router";
import type { NavSection } from "./nav.ts";
import { paths } from "./paths.ts";

/**
 * The window's title for the current page: the repository or project it shows, else the section's page ("Users"),
 * the section ("Projects") or the search, followed by the console's name ("my-app · Wharf").
 */
export function usePageTitle(
	pathname: string,
	section: NavSection | undefined,
) {
	const { t } = useTranslation();
	const matches = useMatches();
	const params = matches[matches.length - 1]?.params ?? {};
	const page = section?.pages?.find(
		(p) => pathname === p.href || pathname.startsWith(`${p.href}/`),
	);
	const what =
		params.repo ??
		params.project ??
		(page
			? t(page.label)
			: section
				? t(section.label)
				: pathname === paths.search.path
					? t("search.title")
					: undefined);
	const app = t("app.name");
	useEffect(() => {
		document.title = what ? `${what} · ${app}` : app;
	}, [what, app]);
}
