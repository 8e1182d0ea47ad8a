import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { type OidcServer, startOidcServer } from "../bff/test/oidc-server.ts";
import { startWharfChild, type WharfChild } from "../bff/test/wharf-process.ts";
import {
	adminBasic,
	expectAccessible,
	openUserMenu,
	screenshot,
	signIn,
} from "./fixtures.ts";

// Signing in through OIDC needs auth_mode oidc_auth, which needs a server with no users but admin: a Wharf of this
// spec's own (the same build), and an OpenID provider of its own (node-oidc-provider, its own login and consent pages).
let wharf: WharfChild | undefined;
let dataDir = "";
let url = "";
let idp: OidcServer | undefined;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
	dataDir = await mkdtemp(path.join(os.tmpdir(), "wharf-e2e-oidc-"));
	wharf = await startWharfChild(dataDir, {}, undefined, { built: true });
	url = wharf.url;
	idp = await startOidcServer({
		people: [
			{
				id: "e2e-oidc",
				name: "E2E Person",
				email: "e2e-oidc@idp.test",
				groups: [],
			},
		],
		redirectUri: `${url}/c/oidc/callback`,
		postLogoutRedirectUri: `${url}/sign-in`,
	});
	const r = await fetch(`${url}/api/v2.0/configurations`, {
		method: "PUT",
		headers: { Authorization: adminBasic, "Content-Type": "application/json" },
		body: JSON.stringify({
			auth_mode: "oidc_auth",
			oidc_name: "E2E IdP",
			oidc_endpoint: idp.issuer,
			oidc_client_id: idp.client.id,
			oidc_client_secret: idp.client.secret,
			oidc_scope: "openid,profile,email",
			oidc_user_claim: "preferred_username",
			oidc_auto_onboard: true,
			oidc_logout: true,
		}),
	});
	expect(r.status, await r.text()).toBe(200);
});

test.afterAll(async () => {
	wharf?.child.kill();
	await idp?.close();
	if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

test("signs in with the provider's button, shows the CLI secret in the profile, and signs out at the provider too", async ({
	page,
}) => {
	await page.goto(`${url}/sign-in`);
	const button = page.getByRole("link", { name: "Sign in with E2E IdP" });
	await expect(button).toBeVisible();
	// Admin still signs in with a password below it.
	await expect(page.getByLabel("Password")).toBeVisible();
	await expectAccessible(page);
	await screenshot(page, "oidc-sign-in");

	await button.click();
	// The provider's own pages: its login form, then its consent.
	await page.getByPlaceholder("Enter any login").fill("e2e-oidc");
	await page.getByPlaceholder("and password").fill("anything");
	await page.getByRole("button", { name: "Sign-in" }).click();
	await page.getByRole("button", { name: "Continue" }).click();
	await expect(page.getByTestId("current-user")).toHaveText("e2e-oidc");
	expect(new URL(page.url()).origin).toBe(url);

	await openUserMenu(page);
	// The provider keeps the password: the menu offers no change of it.
	await expect(
		page.getByRole("button", { name: "Change password" }),
	).toHaveCount(0);
	await page.getByRole("button", { name: "User profile" }).click();
	const dialog = page.getByRole("dialog", { name: "User profile" });
	const secret = dialog.getByLabel("CLI secret");
	await expect(secret).toHaveAttribute("type", "password");
	await dialog.getByRole("button", { name: "Show secret" }).click();
	await expect(secret).toHaveAttribute("type", "text");
	const first = await secret.inputValue();
	expect(first).toHaveLength(32);
	await expectAccessible(page);
	await dialog.getByRole("button", { name: "Generate a new secret" }).click();
	await expect(secret).not.toHaveValue(first);
	const second = await secret.inputValue();
	// The new secret is what /v2 takes now; the old one no longer.
	const v2 = (password: string) =>
		fetch(`${url}/v2/`, {
			headers: {
				Authorization: `Basic ${Buffer.from(`e2e-oidc:${password}`).toString("base64")}`,
			},
		}).then((r) => r.status);
	expect(await v2(second)).toBe(200);
	expect(await v2(first)).toBe(401);
	await dialog.getByRole("button", { name: "Cancel" }).click();

	await openUserMenu(page);
	await page.getByRole("button", { name: "Sign out" }).click();
	// The provider asks before it ends its own session, then sends the browser back to the sign-in page.
	await page.getByRole("button", { name: "Yes, sign me out" }).click();
	await expect(page).toHaveURL(`${url}/sign-in`);
	await expect(
		page.getByRole("link", { name: "Sign in with E2E IdP" }),
	).toBeVisible();
	const me = await page.request.get(`${url}/api/v2.0/users/current`);
	expect(me.status()).toBe(401);
});

test("admin still signs in with a password, and tests the provider from the configuration page", async ({
	page,
}) => {
	await page.goto(`${url}/sign-in`);
	await signIn(page);
	await page.goto(`${url}/admin/configuration`);
	const oidc = page.getByRole("group", { name: "OIDC", exact: true });
	await expect(oidc.getByLabel("Provider endpoint")).toHaveValue(idp!.issuer);
	await oidc.getByRole("button", { name: "Test OIDC provider" }).click();
	await expect(oidc.getByRole("status")).toHaveText(
		"The provider answered its discovery document.",
	);
	await oidc.getByLabel("Provider endpoint").fill("http://127.0.0.1:1");
	await oidc.getByRole("button", { name: "Test OIDC provider" }).click();
	await expect(oidc.getByRole("alert")).toContainText(
		"failed to verify connection",
	);
	await expectAccessible(page);
});
