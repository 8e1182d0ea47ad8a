import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminPassword,
	openPalette,
	openUserMenu,
	registryHost,
	sharedProject,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";
import { makeHelmChartLayout } from "./helm-fixture.ts";

/**
 * Issue 9, finding 13: no Content-Security-Policy, X-Frame-Options or X-Content-Type-Options. The console now runs
 * under a strict policy (every source 'self', nothing inline, no framing): walked through its main pages in Chromium,
 * it must not set off a single violation.
 */
const project = unique("csp");
sharedProject(project, async ({ client }) => {
	const image = await client.pushImage(`${project}/app:1.0`, {
		platforms: [
			{ os: "linux", architecture: "amd64" },
			{ os: "linux", architecture: "arm64" },
		],
		layers: 2,
	});
	expect(image.ok, image.stderr).toBe(true);
	const chartDir = path.join(client.dir, "chart");
	await makeHelmChartLayout(chartDir, {
		name: "demo",
		version: "0.1.0",
		readme: "# Demo chart\n\n| a | b |\n| - | - |\n| 1 | 2 |\n",
		values: "replicaCount: 2\n",
	});
	const chart = await client.skopeo(
		"copy",
		"--dest-tls-verify=false",
		"--dest-creds",
		`admin:${adminPassword}`,
		`oci:${chartDir}`,
		`docker://${registryHost}/${project}/charts/demo:0.1.0`,
	);
	expect(chart.ok, chart.stderr).toBe(true);
});

/** Every violation the page reports, through the DOM event and through the console, across navigations. */
async function watchViolations(page: Page) {
	const seen: string[] = [];
	await page.exposeFunction("reportCspViolation", (v: string) => {
		seen.push(v);
	});
	await page.addInitScript(() => {
		document.addEventListener("securitypolicyviolation", (e) => {
			(
				window as unknown as { reportCspViolation(v: string): void }
			).reportCspViolation(`${e.effectiveDirective} ${e.blockedURI}`);
		});
	});
	page.on("console", (m) => {
		if (/Content Security Policy/i.test(m.text()))
			seen.push(`console: ${m.text()}`);
	});
	return seen;
}

test("the console answers with a strict policy, no framing and no sniffing", async ({
	request,
}) => {
	for (const p of ["/", "/sign-in", "/api/v2.0/systeminfo", "/v2/"]) {
		const r = await request.get(p);
		const headers = r.headers();
		const csp = headers["content-security-policy"] ?? "";
		expect(csp, p).toContain("default-src 'self'");
		expect(csp, p).toContain("script-src 'self'");
		expect(csp, p).toContain("style-src 'self'");
		expect(csp, p).toContain("frame-ancestors 'none'");
		expect(csp, p).toContain("object-src 'none'");
		expect(csp, p).not.toContain("unsafe-inline");
		expect(csp, p).not.toContain("unsafe-eval");
		expect(headers["x-frame-options"], p).toBe("DENY");
		expect(headers["x-content-type-options"], p).toBe("nosniff");
	}
});

test("the console works under it: its main pages report no violation", async ({
	page,
}) => {
	const violations = await watchViolations(page);
	await page.goto("/");
	await signIn(page);
	await page.goto(paths.projects.href());
	await expect(page.getByRole("link", { name: project })).toBeVisible();
	await page.goto(paths.projectTab.href(project, "summary"));
	await expect(
		page.getByRole("heading", { level: 1, name: project }),
	).toBeVisible();
	await page.goto(paths.projectTab.href(project, "repositories"));
	await expect(page.getByTestId("repository-row")).toHaveCount(2);
	await page.goto(paths.repository.href(project, "app"));
	await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
	await page.goto(paths.artifact.href(project, "app", "1.0"));
	await expect(
		page.getByRole("region", { name: "Platforms" }).getByTestId("platform-row"),
	).toHaveCount(2);
	await page.goto(paths.artifact.href(project, "charts/demo", "0.1.0"));
	await expect(
		page
			.getByTestId("chart-readme")
			.getByRole("heading", { name: "Demo chart" }),
	).toBeVisible();
	for (const admin of ["users", "audit-log", "configuration"] as const) {
		await page.goto(paths.admin.href(admin));
		await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
	}
	const palette = await openPalette(page);
	await palette.getByRole("combobox").fill(project);
	await expect(palette.getByRole("option").first()).toBeVisible();
	await page.keyboard.press("Escape");
	await openUserMenu(page);
	await page.keyboard.press("Escape");
	await signOut(page);
	expect(violations).toEqual([]);

	// The watch works, and the policy bites: an inline script is refused and reported.
	await page.evaluate(() => {
		const s = document.createElement("script");
		s.textContent = "window.__ran = 1";
		document.body.append(s);
	});
	await expect
		.poll(() => violations.some((v) => v.startsWith("script-src-elem inline")))
		.toBe(true);
	expect(violations.some((v) => v.startsWith("console: "))).toBe(true);
	expect(
		await page.evaluate(() => (window as { __ran?: number }).__ran),
	).toBeUndefined();
});
