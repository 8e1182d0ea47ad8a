import {
	type FetchQueryOptions,
	QueryClient,
	QueryClientProvider,
	type QueryKey,
} from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import {
	createBrowserRouter,
	type LoaderFunctionArgs,
	Navigate,
	type RouteObject,
	RouterProvider,
} from "react-router";
import "./index.css";
import "./i18n/index.ts";
import {
	artifactListDefaults,
	artifactListParams,
	artifactsQuery,
} from "./api/artifacts.ts";
import { ApiError, setUnauthorizedHandler } from "./api/client.ts";
import {
	activityDays,
	projectActivityQuery,
	projectSummaryQuery,
} from "./api/project-summary.ts";
import {
	projectListDefaults,
	projectListParams,
	projectQuery,
	projectsQuery,
} from "./api/projects.ts";
import { repositoryQuery } from "./api/repositories.ts";
import { currentUserQuery, sessionKeys } from "./api/session.ts";
import { AdminGuard } from "./app/admin-guard.tsx";
import { AuthGuard } from "./app/auth-guard.tsx";
import { Layout } from "./app/layout.tsx";
import {
	type AdminPage,
	adminPages,
	type ProjectTab,
	paths,
	projectTabs,
} from "./app/paths.ts";
import { RouteError } from "./app/route-error.tsx";
import { markSessionEnded } from "./app/session-ended.ts";
import { ShellSkeleton } from "./app/shell-skeleton.tsx";
import { applyTheme } from "./app/theme.ts";
import { readListParams } from "./components/use-list-params.ts";
import NotFoundPage from "./pages/not-found-page.tsx";

applyTheme();

const queryClient = new QueryClient({
	defaultOptions: {
		// A refusal (4xx) is final; a server error or an unreachable server (status 0) may pass.
		queries: {
			retry: (count, err) =>
				!(err instanceof ApiError && err.status >= 400 && err.status < 500) &&
				count < 2,
			refetchOnWindowFocus: false,
		},
	},
});

type Load = () => Promise<{ default: React.ComponentType }>;
/** Starts a route's first requests (with `ask`) from what its URL says. */
type Queries = (args: LoaderFunctionArgs) => void;

/** One query started unless it is cached already (the page's own query then finds it under way, with its own rules). */
function ask<T, K extends QueryKey>(q: FetchQueryOptions<T, Error, T, K>) {
	if (queryClient.getQueryData(q.queryKey) === undefined)
		void queryClient.prefetchQuery(q);
}

/**
 * A route's first requests, started as soon as the route matches: on a cold load beside the page's own chunk rather
 * than after it arrives and renders. Never awaited, so the page and its skeleton show as before.
 */
const prefetch =
	(queries: Queries) =>
	(args: LoaderFunctionArgs): null => {
		queries(args);
		return null;
	};
const listOf = (request: Request, defaults: { sort: string }) =>
	readListParams(new URL(request.url).searchParams, defaults);

/** A route whose page is split out and loaded when first visited (its first requests with it, when given). */
const page = (
	path: string | undefined,
	load: Load,
	queries?: Queries,
): RouteObject => ({
	...(path === undefined ? { index: true } : { path }),
	...(queries ? { loader: prefetch(queries) } : {}),
	lazy: async () => ({ Component: (await load()).default }),
});

/** Each project tab's page (paths.ts lists the tabs): a tab left out here fails the type check. */
/** What a project tab asks first, beside its page's chunk. */
const projectTabQueries: Partial<Record<ProjectTab, Queries>> = {
	summary: ({ params }) => {
		ask(projectSummaryQuery(params.project ?? ""));
		ask(projectActivityQuery(params.project ?? "", activityDays));
	},
};

const projectTabLoaders: Record<ProjectTab, Load> = {
	summary: () => import("./pages/project/summary-tab.tsx"),
	repositories: () => import("./pages/repositories/repositories-tab.tsx"),
	members: () => import("./pages/project/members-tab.tsx"),
	labels: () => import("./pages/labels/project-labels-tab.tsx"),
	policy: () => import("./pages/policy/project-policy-tab.tsx"),
	robots: () => import("./pages/robots/project-robots-tab.tsx"),
	webhooks: () => import("./pages/webhooks/webhooks-tab.tsx"),
	logs: () => import("./pages/audit/project-logs-tab.tsx"),
	configuration: () => import("./pages/project/configuration-tab.tsx"),
};

/** Each Administration page (paths.ts lists them): a page left out here fails the type check. */
const adminPageLoaders: Record<AdminPage, Load> = {
	users: () => import("./pages/admin/users-page.tsx"),
	groups: () => import("./pages/groups/groups-page.tsx"),
	robots: () => import("./pages/robots/system-robots-page.tsx"),
	registries: () => import("./pages/registries/registries-page.tsx"),
	replications: () => import("./pages/replication/replications-page.tsx"),
	scanners: () => import("./pages/scanners/scanners-page.tsx"),
	labels: () => import("./pages/labels/global-labels-page.tsx"),
	quotas: () => import("./pages/admin/quotas-page.tsx"),
	gc: () => import("./pages/gc/gc-page.tsx"),
	"audit-purge": () => import("./pages/audit-purge/audit-purge-page.tsx"),
	jobs: () => import("./pages/jobs/jobs-page.tsx"),
	configuration: () => import("./pages/admin/configuration-page.tsx"),
	"audit-log": () => import("./pages/audit/audit-log-page.tsx"),
};

// A page that fails to load or throws shows RouteError: inside the shell (the pathless route under Layout) for the
// console's pages, on its own for sign-in and the shell itself.
const router = createBrowserRouter([
	{
		...page(
			paths.signIn.path,
			() => import("./pages/sign-in/sign-in-page.tsx"),
		),
		errorElement: <RouteError standalone />,
		HydrateFallback: () => (
			<div className="min-h-screen bg-slate-100 dark:bg-slate-950" />
		),
	},
	{
		...page(
			paths.oidcOnboard.path,
			() => import("./pages/sign-in/oidc-onboard-page.tsx"),
		),
		errorElement: <RouteError standalone />,
	},
	{
		element: <AuthGuard />,
		// Who is signed in: asked at once, not after the first page's chunk has arrived.
		loader: prefetch(() => ask(currentUserQuery)),
		errorElement: <RouteError standalone />,
		// Shown on a full load until the first route's page has loaded.
		HydrateFallback: ShellSkeleton,
		children: [
			{
				element: <Layout />,
				children: [
					{
						errorElement: <RouteError />,
						children: [
							{
								index: true,
								element: <Navigate to={paths.projects.href()} replace />,
							},
							page(
								paths.projects.path,
								() => import("./pages/projects/projects-page.tsx"),
								({ request }) =>
									ask(
										projectsQuery(
											projectListParams(listOf(request, projectListDefaults)),
										),
									),
							),
							page(
								paths.search.path,
								() => import("./pages/search/search-page.tsx"),
							),
							page(
								paths.apiExplorer.path,
								() => import("./pages/api-explorer/api-explorer-page.tsx"),
							),
							page(
								paths.repository.path,
								() => import("./pages/repositories/repository-page.tsx"),
								({ params, request }) => {
									const { project = "", repo = "" } = params;
									return [
										projectQuery(project),
										repositoryQuery(project, repo),
										artifactsQuery(
											project,
											repo,
											artifactListParams(listOf(request, artifactListDefaults)),
										),
									];
								},
							),
							page(
								paths.artifact.path,
								() => import("./pages/repositories/artifact-page.tsx"),
							),
							{
								path: paths.project.path,
								loader: prefetch(({ params }) =>
									ask(projectQuery(params.project ?? "")),
								),
								lazy: async () => ({
									Component: (await import("./pages/project/project-page.tsx"))
										.default,
								}),
								children: [
									{
										index: true,
										element: <Navigate to={projectTabs[0]} replace />,
									},
									...projectTabs.map((tab) =>
										page(tab, projectTabLoaders[tab], projectTabQueries[tab]),
									),
								],
							},
							{
								path: paths.admin.path,
								element: <AdminGuard />,
								children: [
									{
										index: true,
										element: (
											<Navigate to={paths.admin.href(adminPages[0])} replace />
										),
									},
									...adminPages.map((name) =>
										page(name, adminPageLoaders[name]),
									),
								],
							},
							{ path: "*", Component: NotFoundPage },
						],
					},
				],
			},
		],
	},
]);

// A lost session sends the user to sign-in and back to where they were.
setUnauthorizedHandler(() => {
	// Only a session that existed has ended: a first visit without one is simply not signed in yet.
	if (queryClient.getQueryData(sessionKeys.current)) markSessionEnded();
	queryClient.setQueryData(sessionKeys.current, null);
});

createRoot(document.getElementById("root")!).render(
	<StrictMode>
		<QueryClientProvider client={queryClient}>
			<RouterProvider router={router} />
		</QueryClientProvider>
	</StrictMode>,
);
