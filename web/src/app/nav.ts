import { adminPages, paths } from "./paths.ts";

/**
 * The console's navigation as data: the top bar, the section side bar and the command palette all read this list, so
 * a later area (Registries, Replication, Scanners, Garbage collection…) appears everywhere by adding one entry here
 * (and its page to `adminPages` in paths.ts when it belongs to Administration).
 */
export type NavPage = {
	/** Unique id, also the palette item's value. */
	id: string;
	/** i18n key of the label. */
	label: string;
	href: string;
};

export type NavSection = NavPage & {
	/** Only system admins see the section (and its pages); others never do. */
	adminOnly?: boolean;
	/** The URL prefix the section owns, to mark it current. */
	prefix: string;
	/** Pages listed in the section's side bar and in the palette. */
	pages?: NavPage[];
};

export const navSections: NavSection[] = [
	{
		id: "projects",
		label: "nav.projects",
		href: paths.projects.href(),
		prefix: paths.projects.path,
	},
	{
		id: "administration",
		label: "nav.administration",
		href: paths.admin.href(adminPages[0]),
		prefix: paths.admin.path,
		adminOnly: true,
		pages: adminPages.map((page) => ({
			id: `admin-${page}`,
			label: `nav.admin.${page}`,
			href: paths.admin.href(page),
		})),
	},
];

/** The sections this user may see. */
export const visibleSections = (sysadmin: boolean) =>
	navSections.filter((s) => !s.adminOnly || sysadmin);

/** The section the URL is in, if any. */
export const sectionOf = (pathname: string, sections: NavSection[]) =>
	sections.find(
		(s) => pathname === s.prefix || pathname.startsWith(`${s.prefix}/`),
	);
