/** Every route by name; hrefs encode each segment (repository names contain '/'). */
const seg = encodeURIComponent;

export const projectTabs = [
	"summary",
	"repositories",
	"members",
	"labels",
	"policy",
	"robots",
	"webhooks",
	"logs",
	"configuration",
] as const;
export type ProjectTab = (typeof projectTabs)[number];

export const adminPages = [
	"users",
	"groups",
	"robots",
	"registries",
	"replications",
	"scanners",
	"labels",
	"quotas",
	"gc",
	"jobs",
	"configuration",
	"audit-log",
	"audit-purge",
] as const;
export type AdminPage = (typeof adminPages)[number];

/**
 * `repo` is the repository name without its project (`go-app`, `team/api`), as Harbor's API paths take it.
 */
export const paths = {
	signIn: {
		path: "/sign-in",
		href: (redirect?: string) =>
			`/sign-in${redirect ? `?redirect=${seg(redirect)}` : ""}`,
	},
	/** Where an OIDC sign-in asks for a username (Harbor's /oidc-onboard); the server sends the browser here. */
	oidcOnboard: { path: "/oidc-onboard", href: () => "/oidc-onboard" },
	projects: { path: "/projects", href: () => "/projects" },
	project: {
		path: "/projects/:project",
		href: (project: string) => `/projects/${seg(project)}`,
	},
	/** No route pattern of its own: each tab is a child route of `project`, its path the tab's name. */
	projectTab: {
		href: (project: string, tab: ProjectTab) =>
			`/projects/${seg(project)}/${tab}`,
	},
	repository: {
		path: "/projects/:project/repositories/:repo",
		href: (project: string, repo: string) =>
			`/projects/${seg(project)}/repositories/${seg(repo)}`,
	},
	artifact: {
		path: "/projects/:project/repositories/:repo/artifacts/:reference",
		href: (project: string, repo: string, reference: string) =>
			`/projects/${seg(project)}/repositories/${seg(repo)}/artifacts/${seg(reference)}`,
	},
	/** `path` is the section's route; each page is a child route of it, its path the page's name. */
	admin: { path: "/admin", href: (page: AdminPage) => `/admin/${page}` },
	search: { path: "/search", href: (q: string) => `/search?q=${seg(q)}` },
	/** The API explorer, at Harbor's address for it. */
	apiExplorer: { path: "/devcenter-api-2.0", href: () => "/devcenter-api-2.0" },
	/** Harbor's API description Wharf follows, as a file (the build puts it there). */
	swaggerFile: "/swagger.yaml",
} as const;

/** `library/team/api` → `team/api`: the repository's name inside its project. */
export const repoInProject = (project: string, fullName: string) =>
	fullName.startsWith(`${project}/`)
		? fullName.slice(project.length + 1)
		: fullName;
