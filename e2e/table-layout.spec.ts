import path from "node:path";
import { expect, type Locator, test } from "@playwright/test";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	adminPassword,
	chooseLanguage,
	expectAccessible,
	registryHost,
	sharedProject,
	signIn,
	unique,
} from "./fixtures.ts";
import { makeHelmChartLayout } from "./helm-fixture.ts";

// A project with one image (the wide artifact list) and a chart with long dotted annotation keys.
const project = unique("layout");
const longKey = "org.opencontainers.image.description";
const longerKey =
	"io.artifacthub.package.alternative-locations.registry-mirror-address";

sharedProject(project, async ({ client }) => {
	const pushed = await client.pushImage(`${project}/app:1.0`, {
		layers: 1,
		layerBytes: 512,
	});
	expect(pushed.ok, pushed.stderr).toBe(true);
	const dir = path.join(client.dir, "chart");
	await makeHelmChartLayout(dir, {
		name: "demo",
		version: "0.1.0",
		readme: "# Demo\n",
		values: "a: 1\n",
		annotations: { [longKey]: "A chart", [longerKey]: "mirror" },
	});
	const chart = await client.skopeo(
		"copy",
		"--dest-tls-verify=false",
		"--dest-creds",
		`admin:${adminPassword}`,
		`oci:${dir}`,
		`docker://${registryHost}/${project}/charts/demo:0.1.0`,
	);
	expect(chart.ok, chart.stderr).toBe(true);
});

/** The vertical middle of an element's first line of text. */
const firstLineMiddle = (l: Locator) =>
	l.evaluate((el) => {
		const range = document.createRange();
		range.selectNodeContents(el);
		const r = range.getClientRects()[0];
		return r.top + r.height / 2;
	});

test("a row's actions line up with its text, and a sort header stays on one line", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(`${paths.projects.href()}?q=${project}`);
	const row = page.getByTestId("project-row").filter({ hasText: project });
	const name = row.getByRole("link", { name: project });
	const del = row.getByRole("button", { name: `Delete project ${project}` });
	// Measured once shown: the list may be in the page, hidden, while the route's data or code is still on its way.
	await expect(name).toBeVisible();
	await expect(del).toBeVisible();
	expect(
		Math.abs((await firstLineMiddle(name)) - (await firstLineMiddle(del))),
	).toBeLessThanOrEqual(3);

	await page.goto(paths.repository.href(project, "app"));
	const header = page
		.getByRole("columnheader", { name: /Last pulled/ })
		.getByRole("button");
	const lines = await header.evaluate((el) =>
		Math.round(
			el.getBoundingClientRect().height /
				parseFloat(getComputedStyle(el).lineHeight),
		),
	);
	expect(lines).toBe(1);
});

test("at 390 px a table wider than the screen says it scrolls, and its box takes the keyboard", async ({
	page,
}) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page);
	await page.goto(paths.repository.href(project, "app"));
	await expect(page.getByTestId("artifact-row")).toHaveCount(1);
	await expect(page.getByTestId("scroll-hint")).toHaveText(
		"The table is wider than the screen: scroll it sideways for more columns →",
	);
	const region = page.getByRole("region", {
		name: "Artifacts (scrolls sideways)",
	});
	await region.focus();
	await page.keyboard.press("ArrowRight");
	await expect
		.poll(() => region.evaluate((el) => el.scrollLeft))
		.toBeGreaterThan(0);
	await expectAccessible(page);
	await page.screenshot({ path: "/tmp/polish-390-artifacts.png" });

	// A table that fits says nothing.
	await page.setViewportSize({ width: 1280, height: 800 });
	await expect(page.getByTestId("scroll-hint")).toHaveCount(0);
});

test("an annotation key wraps after its dots and dashes, never inside a word", async ({
	page,
}) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page);
	await page.goto(paths.artifact.href(project, "charts/demo", "0.1.0"));
	const term = page
		.getByTestId("annotations")
		.locator("dt")
		.filter({ hasText: longerKey });
	await expect(term).toBeVisible();
	// The characters that end each line of the key as drawn.
	const lineEnds = await term.evaluate((dt) => {
		const text = dt.textContent ?? "";
		const tops: number[] = [];
		const walker = document.createTreeWalker(dt, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			for (let i = 0; i < node.textContent!.length; i++) {
				const r = document.createRange();
				r.setStart(node, i);
				r.setEnd(node, i + 1);
				tops.push(Math.round(r.getBoundingClientRect().top));
			}
		}
		return tops.flatMap((top, i) =>
			i + 1 < tops.length && tops[i + 1] > top ? [text[i]] : [],
		);
	});
	expect(lineEnds.length).toBeGreaterThan(0); // 390 px is too narrow for it on one line
	for (const c of lineEnds) expect("./-_").toContain(c);
	await page.screenshot({ path: "/tmp/polish-annotations.png" });
});

test("in 简体中文 the audit log's 成功 stays on one line in a narrow column", async ({
	page,
	request,
}) => {
	await adminApi(request).get("/projects?page_size=1");
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page);
	await chooseLanguage(page, "zh-CN");
	await page.goto("/admin/audit-log");
	const ok = page
		.getByTestId("audit-row")
		.first()
		.getByText("成功", { exact: true });
	await expect(ok).toBeVisible();
	const lines = await ok.evaluate((el) =>
		Math.round(
			el.getBoundingClientRect().height /
				parseFloat(getComputedStyle(el).lineHeight),
		),
	);
	expect(lines).toBe(1);
	await page.screenshot({ path: "/tmp/polish-390-audit-zh.png" });
});
