import { copyFileSync } from "node:fs";
import path from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";
import {
	type ScannerAdapter,
	startScannerAdapter,
} from "../bff/test/scanner-adapter.ts";
import { paths } from "../web/src/app/paths.ts";
import {
	adminApi,
	chooseLanguage,
	expectAccessible,
	openUserMenu,
	screenshot,
	sharedProject,
	signIn,
	signOut,
	unique,
} from "./fixtures.ts";

const project = unique("scanning");
const tag = unique("sc");
const names = { main: `${tag}-trivy`, other: `${tag}-clair` };
const developer = { username: unique("dev"), password: "Passw0rd!1" };
const apiKey = unique("adapter-key");

// What the adapter reports for any image: four findings, two with a fix.
const vulnerabilities = [
	{
		id: "CVE-2024-1111",
		package: "openssl",
		version: "3.0.1",
		fix_version: "3.0.2",
		severity: "Critical",
		description: "a buffer overflow in the TLS handshake",
		links: ["https://nvd.nist.gov/vuln/detail/CVE-2024-1111"],
	},
	{
		id: "CVE-2024-2222",
		package: "zlib",
		version: "1.2.11",
		fix_version: "",
		severity: "High",
		description: "a heap overflow on inflate",
		links: [],
	},
	{
		id: "CVE-2024-3333",
		package: "busybox",
		version: "1.36.0",
		severity: "Medium",
		description: "a use after free in awk",
		links: [],
	},
	{
		id: "CVE-2024-4444",
		package: "bash",
		version: "5.1",
		fix_version: "5.1.16",
		severity: "Low",
		description: "an out-of-bounds read",
		links: [],
	},
];
// The adapter answers a scan's report after `pendingPolls` polls (Wharf polls each second): while it is huge, a scan
// stays running until the spec lowers it.
const adapterOptions = {
	apiKey,
	name: "TestScanner",
	pendingPolls: 1_000_000,
	report: () => ({ vulnerabilities }),
};
let adapter: ScannerAdapter;
let other: ScannerAdapter;

const shared = sharedProject(project, async ({ api, client }) => {
	await client.pushImage(`${project}/app:v1`);
	await api.createUser(developer.username, developer.password);
	await api.addMember(project, developer.username, 2);
});
test.beforeAll(async () => {
	[adapter, other] = await Promise.all([
		startScannerAdapter(adapterOptions),
		startScannerAdapter({ name: "OtherScanner" }),
	]);
});
test.afterAll(async () => {
	await Promise.all([adapter?.close(), other?.close()]);
});

/** A picture of the page (or of one part of it) for the spec's results, and a copy in /tmp to look at. */
async function picture(page: Page, name: string, part?: Locator) {
	const file = path.join("test-results", "screens", `${name}.png`);
	if (part) await part.screenshot({ path: file });
	else await screenshot(page, name);
	copyFileSync(file, `/tmp/${name}.png`);
}

const row = (page: Page, name: string) =>
	page.getByTestId("scanner-row").filter({ hasText: name });

test("an admin registers scanners, tested before saving; the default cannot be deleted or disabled", async ({
	page,
}) => {
	await signIn(page);
	await page.goto(paths.admin.href("scanners"));
	await expect(
		page.getByRole("heading", { name: "Scanners", level: 1 }),
	).toBeVisible();

	await page.getByRole("button", { name: "New scanner" }).click();
	const form = page.getByRole("dialog", { name: "New scanner" });
	await form.getByRole("button", { name: "Add" }).click();
	await expect(form.getByText("A scanner needs a name.")).toBeVisible();
	await form.getByLabel("Name").fill(names.main);
	await form.getByLabel("Adapter URL").fill(adapter.url);
	await form.getByLabel("Authorization").selectOption({ label: "API key" });
	await form.getByLabel("Credential").fill("not-the-key");
	await form.getByRole("button", { name: "Test connection" }).click();
	await expect(form.getByRole("alert")).toContainText("Connection failed");
	await expect(form.getByRole("alert")).toContainText("wrong API key");
	await form.getByLabel("Credential").fill(apiKey);
	await form.getByRole("button", { name: "Test connection" }).click();
	await expect(form.getByTestId("ping-result")).toContainText(
		"Connection works",
	);
	await expectAccessible(page);
	await form.getByRole("button", { name: "Add" }).click();
	await expect(form).toBeHidden();

	await page.getByRole("button", { name: "New scanner" }).click();
	await form.getByLabel("Name").fill(names.other);
	await form.getByLabel("Adapter URL").fill(other.url);
	await form.getByRole("button", { name: "Add" }).click();
	await expect(form).toBeHidden();

	await page.getByLabel("Search scanners").fill(tag);
	await expect(page.getByTestId("scanner-row")).toHaveCount(2);
	const main = row(page, names.main);
	await expect(main.getByTestId("scanner-default")).toHaveText("Default");
	await expect(main.getByTestId("scanner-health")).toHaveText("Healthy");
	await expect(main.getByTestId("scanner-adapter")).toHaveText(
		"TestScanner 1.2.3 (Wharf tests)",
	);
	await expect(main.getByTestId("scanner-credential")).toHaveText(
		"API key: set",
	);
	await expect(
		row(page, names.other).getByTestId("scanner-credential"),
	).toHaveText("None");
	await expect(
		row(page, names.other).getByTestId("scanner-default"),
	).toHaveCount(0);
	await expect(page.locator("body")).not.toContainText(apiKey);
	await expectAccessible(page);

	// The default moves; the default is then refused deletion and disabling, in plain words.
	await page
		.getByRole("button", { name: `Set ${names.other} as the default scanner` })
		.click();
	await expect(
		row(page, names.other).getByTestId("scanner-default"),
	).toBeVisible();
	await expect(main.getByTestId("scanner-default")).toHaveCount(0);
	await page
		.getByRole("button", { name: `Disable scanner ${names.other}` })
		.click();
	await expect(page.getByRole("alert")).toContainText(
		`${names.other} was not disabled: the default scanner cannot be disabled`,
	);
	await page
		.getByRole("button", { name: `Delete scanner ${names.other}` })
		.click();
	const confirm = page.getByRole("dialog", { name: "Delete scanner" });
	await confirm.getByRole("button", { name: "Delete" }).click();
	await expect(confirm.getByRole("alert")).toContainText(
		"the default scanner cannot be deleted",
	);
	await confirm.getByRole("button", { name: "Cancel" }).click();
	await page
		.getByRole("button", { name: `Set ${names.main} as the default scanner` })
		.click();
	await expect(main.getByTestId("scanner-default")).toBeVisible();
	await page
		.getByRole("button", { name: `Disable scanner ${names.other}` })
		.click();
	await expect(
		row(page, names.other).getByTestId("scanner-enabled"),
	).toHaveText("Disabled");
	await page
		.getByRole("button", { name: `Enable scanner ${names.other}` })
		.click();
	await expect(
		row(page, names.other).getByTestId("scanner-enabled"),
	).toHaveText("Enabled");

	// Editing: the credential is write-only; left empty, the stored one is tested and kept.
	await page
		.getByRole("button", { name: `Edit scanner ${names.main}` })
		.click();
	const edit = page.getByRole("dialog", { name: "Edit scanner" });
	await expect(edit.getByLabel("Credential")).toHaveValue("");
	await expect(edit.getByLabel("Credential")).toHaveAttribute(
		"placeholder",
		"Stored — leave empty to keep it",
	);
	await edit.getByRole("button", { name: "Test connection" }).click();
	await expect(edit.getByTestId("ping-result")).toContainText(
		"Connection works",
	);
	await edit.getByLabel("Description").fill("the spec's adapter");
	await edit.getByRole("button", { name: "Save" }).click();
	await expect(edit).toBeHidden();
	await expect(main).toContainText("the spec's adapter");
	await expect(main.getByTestId("scanner-credential")).toHaveText(
		"API key: set",
	);
	await expect(main.getByTestId("scanner-health")).toHaveText("Healthy");
	await picture(page, "scanners-page");

	// On a phone, dark, in 简体中文: the table scrolls in its own box, the page does not.
	await page.setViewportSize({ width: 390, height: 844 });
	await openUserMenu(page);
	await page.getByRole("radio", { name: "Dark" }).check();
	await page.keyboard.press("Escape");
	await chooseLanguage(page, "zh-CN");
	await page.keyboard.press("Escape");
	await expect(
		page.getByRole("heading", { name: "扫描器", level: 1 }),
	).toBeVisible();
	await expect(main.getByTestId("scanner-health")).toHaveText("健康");
	expect(
		await page.evaluate(
			() => document.documentElement.scrollWidth <= window.innerWidth,
		),
	).toBe(true);
	await expectAccessible(page);
	await picture(page, "scanners-390-dark-zh");
});

test("a project admin picks the scanner and turns on scan on push; a scan runs, stops, and reports", async ({
	page,
	request,
}) => {
	await signIn(page);
	await page.goto(paths.projectTab.href(project, "configuration"));
	await expect(page.getByTestId("project-scanner")).toContainText(
		`Images are scanned with ${names.main} (TestScanner 1.2.3).`,
	);
	await page.getByLabel("Scanner for this project").selectOption(names.other);
	await page.getByRole("button", { name: "Use this scanner" }).click();
	await expect(page.getByText("The project's scanner is saved.")).toBeVisible();
	await expect(page.getByTestId("project-scanner")).toContainText(
		`Images are scanned with ${names.other} (OtherScanner 1.2.3).`,
	);
	await page
		.getByLabel("Scanner for this project")
		.selectOption({ label: `${names.main} (default)` });
	await page.getByRole("button", { name: "Use this scanner" }).click();
	await expect(page.getByTestId("project-scanner")).toContainText(
		`Images are scanned with ${names.main}`,
	);
	const scanOnPush = page.getByLabel("Scan images automatically on push");
	await expect(scanOnPush).toBeEnabled();
	await expect(scanOnPush).not.toBeChecked();
	await scanOnPush.check();
	await page.getByRole("button", { name: "Save", exact: true }).click();
	await expect(page.getByText("Settings saved.")).toBeVisible();
	await expectAccessible(page);

	// Scan now: the row shows the scan live; Stop ends it.
	await page.goto(paths.repository.href(project, "app"));
	const v1 = page.getByTestId("artifact-row").filter({ hasText: "v1" });
	await expect(v1.getByTestId("scan-state")).toHaveText("Not scanned");
	await v1.getByRole("button", { name: /^Scan sha256:/ }).click();
	await expect(v1.getByTestId("scan-state")).toHaveText(/Queued…|Scanning…/);
	await v1.getByRole("button", { name: /^Stop scan sha256:/ }).click();
	await expect(v1.getByTestId("scan-state")).toHaveText("Stopped");

	// Scanned again with a scanner that finishes: the severity bar, the highest named, counts by severity.
	adapterOptions.pendingPolls = 1;
	await v1.getByRole("button", { name: /^Scan again sha256:/ }).click();
	const bar = v1.getByTestId("severity-bar");
	await expect(bar).toBeVisible({ timeout: 30_000 });
	await expect(bar).toHaveAttribute("data-highest", "Critical");
	await expect(bar.getByRole("listitem")).toHaveText([
		"Critical: 1",
		"High: 1",
		"Medium: 1",
		"Low: 1",
	]);
	await expect(bar).toContainText("4 total · 2 fixable");

	// Scan on push: a new tag is scanned without anyone asking.
	await shared.client.pushImage(`${project}/app:v2`);
	await page.reload();
	await expect(
		page
			.getByTestId("artifact-row")
			.filter({ hasText: "v2" })
			.getByTestId("severity-bar"),
	).toBeVisible({ timeout: 30_000 });

	// An index's platforms show their own scans (a platform scanned through the API here: whether scan on push caught
	// each one, pushed before its index, is the server's race, not this page's).
	await shared.client.pushImage(`${project}/app:multi`, {
		platforms: [
			{ os: "linux", architecture: "amd64" },
			{ os: "linux", architecture: "arm64", variant: "v8" },
		],
	});
	const index = await adminApi(request).get<{
		references: { child_digest: string }[];
	}>(`/projects/${project}/repositories/app/artifacts/multi`);
	await adminApi(request).post(
		`/projects/${project}/repositories/app/artifacts/${index.references[1].child_digest}/scan`,
		{},
	);
	await page.reload();
	await page
		.getByTestId("artifact-row")
		.filter({ hasText: "multi" })
		.getByRole("button", { name: /Show or hide 2 platforms/ })
		.click();
	const platforms = page.getByTestId("platform-row");
	await expect(platforms).toHaveCount(2);
	await expect(platforms.nth(1).getByTestId("severity-bar")).toHaveAttribute(
		"data-highest",
		"Critical",
		{ timeout: 30_000 },
	);
	await expectAccessible(page);
	await picture(page, "scanning-artifacts");

	// The artifact page: the findings, worst first, filtered and sorted; the scan's log.
	await page.goto(paths.artifact.href(project, "app", "v1"));
	const section = page.getByRole("region", {
		name: "Vulnerabilities",
		exact: true,
	});
	const rows = section.getByTestId("vulnerability-row");
	await expect(rows).toHaveCount(4);
	await expect(rows.first()).toContainText("CVE-2024-1111");
	await expect(
		rows.first().getByRole("link", { name: "CVE-2024-1111" }),
	).toHaveAttribute("href", "https://nvd.nist.gov/vuln/detail/CVE-2024-1111");
	await expect(rows.nth(1)).toContainText("zlib");
	await expect(rows.nth(1)).toContainText("No fix yet");
	// The filters live in the URL: the box shows its new state once the URL has it.
	await section.getByLabel("Fixable only").click();
	await expect(section.getByLabel("Fixable only")).toBeChecked();
	await expect(rows).toHaveCount(2);
	await expect(rows.nth(0)).toContainText("CVE-2024-1111");
	await expect(rows.nth(1)).toContainText("CVE-2024-4444");
	await section.getByLabel("Severity", { exact: true }).selectOption("High");
	await expect(section.getByTestId("empty-state")).toContainText(
		"No vulnerability matches",
	);
	await section.getByLabel("Fixable only").click();
	await expect(section.getByLabel("Fixable only")).not.toBeChecked();
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText("zlib");
	await section.getByLabel("Severity", { exact: true }).selectOption("");
	await section.getByLabel("Filter vulnerabilities").fill("awk");
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText("CVE-2024-3333");
	await section.getByLabel("Filter vulnerabilities").fill("");
	await expect(rows).toHaveCount(4);
	await section.getByRole("button", { name: "Package" }).click();
	await expect(rows.first()).toContainText("bash");
	await expectAccessible(page);
	await section.getByRole("button", { name: "Scan log" }).click();
	await expect(page.getByTestId("scan-log")).toContainText(
		`scanned by ${names.main}: 4 vulnerabilities`,
	);
	await page.getByRole("button", { name: "Close" }).click();

	// On a phone, and dark: nothing scrolls sideways but the table's own box.
	await page.setViewportSize({ width: 390, height: 844 });
	await expect(rows).toHaveCount(4);
	expect(
		await page.evaluate(
			() => document.documentElement.scrollWidth <= window.innerWidth,
		),
	).toBe(true);
	await picture(page, "scanning-390", section);
	await openUserMenu(page);
	await page.getByRole("radio", { name: "Dark" }).check();
	await expect(page.locator("html")).toHaveClass(/dark/);
	await page.keyboard.press("Escape");
	await section.scrollIntoViewIfNeeded();
	await expectAccessible(page);
	await picture(page, "scanning-390-dark", section);
	await page.goto(paths.repository.href(project, "app"));
	await expect(
		page.getByTestId("artifact-row").first().getByTestId("severity-bar"),
	).toBeVisible();
	expect(
		await page.evaluate(
			() => document.documentElement.scrollWidth <= window.innerWidth,
		),
	).toBe(true);
	await expectAccessible(page);
	await picture(page, "scanning-artifacts-390-dark");
	await page.setViewportSize({ width: 1280, height: 800 });
	await picture(page, "scanning-artifacts-dark");
	await openUserMenu(page);
	await page.getByRole("radio", { name: "Light" }).check();
	await page.keyboard.press("Escape");

	// A scanner that fails its report: the scan ends in Error and the page says why.
	adapterOptions.report = () => {
		throw new Error("the vulnerability database is locked");
	};
	await page.goto(paths.artifact.href(project, "app", "v2"));
	const failing = page.getByRole("region", {
		name: "Vulnerabilities",
		exact: true,
	});
	await failing.getByRole("button", { name: /^Scan again sha256:/ }).click();
	await expect(failing.getByTestId("scan-state")).toHaveText("Error", {
		timeout: 30_000,
	});
	await expect(failing.getByTestId("scan-error")).toContainText(
		"the vulnerability database is locked",
	);
	await expect(failing.getByTestId("vulnerability-row")).toHaveCount(0);
	await picture(page, "scanning-error", failing);
	await expectAccessible(page);
	adapterOptions.report = () => ({ vulnerabilities });
	await signOut(page);
});

test("a developer sees the results and the log but cannot scan", async ({
	page,
}) => {
	await signIn(page, developer.username, developer.password);
	await page.goto(paths.repository.href(project, "app"));
	const v1 = page.getByTestId("artifact-row").filter({ hasText: "v1" });
	await expect(v1.getByTestId("severity-bar")).toHaveAttribute(
		"data-highest",
		"Critical",
	);
	await expect(
		page.getByRole("button", { name: /^(Scan|Scan again|Stop scan) sha256:/ }),
	).toHaveCount(0);
	await page.goto(paths.artifact.href(project, "app", "v1"));
	const section = page.getByRole("region", {
		name: "Vulnerabilities",
		exact: true,
	});
	await expect(section.getByTestId("vulnerability-row")).toHaveCount(4);
	await expect(
		section.getByRole("button", {
			name: /^(Scan|Scan again|Stop scan) sha256:/,
		}),
	).toHaveCount(0);
	await expect(section.getByRole("button", { name: "Scan log" })).toBeVisible();

	// In 简体中文 too.
	await chooseLanguage(page, "zh-CN");
	await page.keyboard.press("Escape");
	const zh = page.getByRole("region", { name: "漏洞", exact: true });
	await expect(
		zh.getByRole("columnheader", { name: /修复版本/ }),
	).toBeVisible();
	await expect(zh.getByTestId("severity-bar")).toContainText(
		"共 4 个 · 2 个可修复",
	);
	await expectAccessible(page);
	await picture(page, "scanning-developer-zh", zh);
});

test("an admin sees the built-in scanner's database and imports a zip of OSV advisories into it", async ({
	page,
}, testInfo) => {
	const { osvFixtures, writeOsvZip } = await import(
		"../bff/test/osv-fixtures.ts"
	);
	const zip = await writeOsvZip(
		testInfo.outputPath("advisories.zip"),
		(await osvFixtures()).values(),
	);
	await signIn(page);
	await page.goto(paths.admin.href("scanners"));
	const db = page.getByRole("region", {
		name: "Vulnerability database (built-in scanner)",
	});
	await expect(db).toBeVisible();
	await expectAccessible(page);
	await db.getByLabel("Zip of OSV advisories").setInputFiles(zip);
	await db.getByRole("button", { name: "Import" }).click();
	// The fixture's six advisories: all new on the first import, none after (another run of this spec may have come first).
	await expect(db.getByRole("status")).toHaveText(
		/^Imported: (6|0) of 6 advisories new or changed\.$/,
	);
	await expect(db.getByTestId("osv-advisories")).toHaveText(/^([6-9]|\d\d+)$/);
	await expect(db.getByTestId("osv-updated")).not.toHaveText("Never");
	await expect(db.getByTestId("osv-last-import")).toHaveText(
		/^Done: (6|0) of 6 advisories new or changed$/,
	);
	// A file that is not a zip is refused, saying why.
	await db.getByLabel("Zip of OSV advisories").setInputFiles({
		name: "notes.zip",
		mimeType: "application/zip",
		buffer: Buffer.from("not a zip"),
	});
	await db.getByRole("button", { name: "Import" }).click();
	await expect(
		db.getByText(/The zip was not imported: .*not a zip file/),
	).toBeVisible();
	await expect(db.getByTestId("osv-last-import")).toHaveText(
		/^Failed: not a zip file/,
	);
});
