import { randomBytes } from "node:crypto";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import {
	type APIRequestContext,
	expect,
	type Locator,
	type Page,
	type Request,
	test,
} from "@playwright/test";
import { clientSandbox } from "../bff/test/clients.ts";
import {
	type LayoutOptions,
	makeOciLayout,
} from "../bff/test/fixtures/oci-layout.ts";
import { adminPassword, baseURL } from "./playwright.config.ts";

export { adminPassword, baseURL };
export const registryHost = new URL(baseURL).host;
/** An HTTP basic Authorization header value for `user`. */
export const basic = (user: string, password: string) =>
	`Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
export const adminBasic = basic("admin", adminPassword);

/** A name no other spec or run uses. */
export const unique = (prefix: string) =>
	`${prefix}-${randomBytes(3).toString("hex")}`;

/** Signs in through the form, as a user would. */
export async function signIn(
	page: Page,
	username = "admin",
	password = adminPassword,
) {
	if (!page.url().includes("/sign-in")) await page.goto("/sign-in");
	await page.getByLabel("Username").fill(username);
	await page.getByLabel("Password").fill(password);
	await page.getByRole("button", { name: "Sign in" }).click();
	await expect(page.getByTestId("current-user")).toHaveText(username);
}

/** Opens the user menu (the top bar's button showing the current user), whatever the language. */
export async function openUserMenu(page: Page) {
	const button = page
		.getByRole("button")
		.filter({ has: page.getByTestId("current-user") });
	if ((await button.getAttribute("aria-expanded")) !== "true")
		await button.click();
}

/** Switches the console's language with the user menu's `language` select. */
export async function chooseLanguage(page: Page, code: "en" | "zh-CN") {
	await openUserMenu(page);
	await page.getByTestId("language").selectOption(code);
}

/** Signs out from the user menu and waits for the sign-in page. */
export async function signOut(page: Page) {
	await openUserMenu(page);
	await page.getByRole("button", { name: /^(Sign out|退出登录)$/ }).click();
	await expect(page).toHaveURL(/\/sign-in/);
}

/**
 * After a link to the plain list, a filter box and the URL stay cleared: the box follows the URL, and its old text is
 * not written back once its pause before writing the URL has passed.
 */
export async function expectFilterStaysCleared(
	page: Page,
	box: Locator,
	param: string,
) {
	const inUrl = new RegExp(`[?&]${param}=`);
	await expect(page).not.toHaveURL(inUrl);
	await expect(box).toHaveValue("");
	await page.waitForTimeout(700); // longer than the box's pause
	await expect(page).not.toHaveURL(inUrl);
	await expect(box).toHaveValue("");
}

/** Opens the command palette from the keyboard, as a user would, and waits for it to take typing. */
export async function openPalette(
	page: Page,
	keys = "Control+k",
): Promise<Locator> {
	await page.keyboard.press(keys);
	const palette = page.getByRole("dialog", {
		name: "Go to a page, project or repository",
	});
	await expect(palette).toBeVisible();
	await expect(palette.getByRole("combobox")).toBeFocused();
	return palette;
}

/**
 * Tracks the page's requests from now on; `settled()` resolves once none has been in flight for `quietMs`.
 * (`page.waitForLoadState('networkidle')` does not do this after the first load: Playwright fires that state once per
 * document, so after in-page navigation and clicks it returns at once.)
 */
export function trackRequests(page: Page) {
	const inFlight = new Set<Request>();
	let lastChange = Date.now();
	const started = (r: Request) => {
		inFlight.add(r);
		lastChange = Date.now();
	};
	const ended = (r: Request) => {
		if (inFlight.delete(r)) lastChange = Date.now();
	};
	page.on("request", started);
	page.on("requestfinished", ended);
	page.on("requestfailed", ended);
	return {
		async settled(quietMs = 500, timeout = 10_000) {
			const busy = () =>
				inFlight.size
					? [...inFlight].map((r) => r.url())
					: Date.now() - lastChange < quietMs
						? ["(quiet for too short a time)"]
						: [];
			await expect
				.poll(busy, {
					message: "the page's requests never settled",
					timeout,
					intervals: [100],
				})
				.toEqual([]);
		},
		stop() {
			page.off("request", started);
			page.off("requestfinished", ended);
			page.off("requestfailed", ended);
		},
	};
}

/** No serious or critical axe violation on the page as it is now. */
export async function expectAccessible(page: Page) {
	const scan = await new AxeBuilder({ page }).analyze();
	const bad = scan.violations
		.filter((v) => v.impact === "serious" || v.impact === "critical")
		.map((v) => ({
			id: v.id,
			impact: v.impact,
			nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
		}));
	expect(bad).toEqual([]);
}

/** Keeps a picture of a main page as a test artifact (test-results/screens/NAME.png). */
export const screenshot = (page: Page, name: string) =>
	page.screenshot({
		path: path.join("test-results", "screens", `${name}.png`),
		fullPage: true,
	});

/** Harbor's API as admin (basic auth), for setting up data; the console itself is what the spec exercises. */
export function adminApi(request: APIRequestContext) {
	const headers = { Authorization: adminBasic };
	const ok = async (r: Awaited<ReturnType<APIRequestContext["get"]>>) => {
		expect(r.ok(), `${r.url()} → ${r.status()} ${await r.text()}`).toBe(true);
		return r;
	};
	return {
		get: async <T>(p: string) =>
			(await (
				await ok(await request.get(`/api/v2.0${p}`, { headers }))
			).json()) as T,
		post: async (p: string, data: unknown) =>
			ok(await request.post(`/api/v2.0${p}`, { headers, data })),
		put: async (p: string, data: unknown) =>
			ok(await request.put(`/api/v2.0${p}`, { headers, data })),
		delete: async (p: string) =>
			ok(await request.delete(`/api/v2.0${p}`, { headers })),
		async createProject(
			name: string,
			opts: { public?: boolean; storageLimit?: number } = {},
		) {
			await this.post("/projects", {
				project_name: name,
				metadata: { public: String(!!opts.public) },
				storage_limit: opts.storageLimit ?? -1,
			});
			return (await this.get<{ project_id: number }>(`/projects/${name}`))
				.project_id;
		},
		async createUser(username: string, password = "Passw0rd!1") {
			const r = await this.post("/users", {
				username,
				password,
				email: `${username}@example.com`,
				realname: username,
			});
			return {
				id: Number(r.headers().location?.split("/").pop()),
				username,
				password,
			};
		},
		addMember: async (project: string, username: string, roleId: number) =>
			ok(
				await request.post(`/api/v2.0/projects/${project}/members`, {
					headers,
					data: { role_id: roleId, member_user: { username } },
				}),
			),
	};
}

/**
 * skopeo and podman as a user runs them, with their own auth file (the vitest suite's sandbox); images are made on disk
 * (never downloaded). `pushImage` copies a fresh OCI layout (one platform, or an index of several) to `project/repo:tag`.
 */
export async function registryClient() {
	const sandbox = await clientSandbox();
	return {
		...sandbox,
		async pushImage(
			ref: string,
			opts: LayoutOptions = {},
			creds = `admin:${adminPassword}`,
		) {
			const layout = path.join(sandbox.dir, randomBytes(4).toString("hex"));
			const made = await makeOciLayout(layout, opts);
			const r = await sandbox.skopeo(
				"copy",
				"--all",
				"--dest-tls-verify=false",
				"--dest-creds",
				creds,
				`oci:${layout}`,
				`docker://${registryHost}/${ref}`,
			);
			return { ...r, ...made };
		},
		/** Pulls `ref` with skopeo (as admin unless told) into a fresh OCI layout. */
		pullImage(ref: string, creds = `admin:${adminPassword}`) {
			return sandbox.skopeo(
				"copy",
				"--src-tls-verify=false",
				"--src-creds",
				creds,
				`docker://${registryHost}/${ref}`,
				`oci:${path.join(sandbox.dir, unique("pulled"))}`,
			);
		},
	};
}

export type RegistryClient = Awaited<ReturnType<typeof registryClient>>;

/**
 * One project for a whole spec file: its tests run in order, and before them the project is made as admin and filled by
 * `fill` through the API and a registry client. The client stays for the tests (`shared.client`) and is cleaned up after.
 */
export function sharedProject(
	project: string,
	fill: (s: {
		api: ReturnType<typeof adminApi>;
		client: RegistryClient;
		projectId: number;
	}) => Promise<void>,
) {
	const shared = {
		client: undefined as unknown as RegistryClient,
		projectId: 0,
	};
	test.describe.configure({ mode: "serial" });
	test.beforeAll(async ({ playwright }) => {
		const request = await playwright.request.newContext({ baseURL });
		try {
			const api = adminApi(request);
			shared.projectId = await api.createProject(project);
			shared.client = await registryClient();
			await fill({ api, client: shared.client, projectId: shared.projectId });
		} finally {
			await request.dispose();
		}
	});
	test.afterAll(async () => {
		await shared.client?.cleanup();
	});
	return shared;
}
