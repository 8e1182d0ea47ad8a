import { parse as parseCookies, serialize } from "cookie";
import express, { type Request, type Response, Router } from "express";
import { z } from "zod";
import type { AuditSink } from "../core/access.ts";
import { ApiError, badRequest, notFound } from "../http/errors.ts";
import {
	type OidcClient,
	type OidcConfig,
	type OidcPerson,
	OidcRefusal,
	type PendingLogin,
	personOf,
} from "./oidc.ts";
import type { OidcUsers } from "./oidc-users.ts";
import type { SecretBox } from "./secrets.ts";
import type { Sessions } from "./sessions.ts";
import { usernameProblem } from "./usernames.ts";

/** The sign-in in progress (state, nonce, PKCE verifier) and, without auto-onboarding, the person waiting for a name. */
const loginCookie = "oidc_login";
const onboardCookie = "oidc_onboard";
const cookieMinutes = 10;

/** The person a callback named, held while they choose a username (Harbor's onboarding dialog). */
type PendingOnboard = { person: OidcPerson; idToken: string; next: string };

/** A path in the console to come back to: only this site's own (`/x`, never `//host` or a URL). */
const consolePath = (v: unknown) =>
	typeof v === "string" && /^\/(?![/\\])/.test(v) ? v : "/";

/**
 * OIDC sign-in at the console (auth_mode oidc_auth), on Harbor's paths: `GET /c/oidc/login` redirects to the provider
 * (authorization code with PKCE, a fresh state and nonce), `GET /c/oidc/callback` checks them, exchanges the code and
 * signs the person in (onboarding them when `oidc_auto_onboard`, else asking a username at `/oidc-onboard`, which posts
 * `POST /c/oidc/onboard`). What the flow holds between requests is sealed in short-lived cookies, so any replica
 * finishes what another started. Refusals go back to the sign-in page with the reason, and are audited.
 */
export function createOidcRoutes(deps: {
	config: () => Promise<OidcConfig | null>;
	client: OidcClient;
	users: OidcUsers;
	sessions: Sessions;
	box: SecretBox;
	audit: AuditSink;
	secureCookies: boolean;
	externalUrl?: string;
}) {
	const router = Router();
	const base = (req: Request) =>
		(deps.externalUrl ?? `${req.protocol}://${req.host}`).replace(/\/+$/, "");
	const redirectUri = (req: Request) => `${base(req)}/c/oidc/callback`;
	const setCookie = (res: Response, name: string, value: string) =>
		res.append(
			"Set-Cookie",
			serialize(name, value, {
				httpOnly: true,
				sameSite: "lax",
				secure: deps.secureCookies,
				path: "/c/oidc",
				maxAge: value ? cookieMinutes * 60 : 0,
			}),
		);
	const sealed = <T>(req: Request, name: string): T | null => {
		const v = parseCookies(req.headers.cookie ?? "")[name];
		if (!v) return null;
		try {
			return JSON.parse(deps.box.open(v)) as T;
		} catch {
			return null;
		}
	};
	const enabled = async () => {
		const cfg = await deps.config();
		if (!cfg)
			throw new ApiError(
				"PRECONDITION",
				"OIDC sign-in is not enabled (auth_mode is not oidc_auth)",
			);
		return cfg;
	};
	const refuse = (
		res: Response,
		why: string,
		who = "anonymous",
		audited = true,
	) => {
		if (audited)
			deps.audit.record({
				project: null,
				operator: who,
				resource: "oidc",
				resourceType: "user",
				operation: "login_failed",
			});
		res.redirect(302, `/sign-in?oidc_error=${encodeURIComponent(why)}`);
	};

	router.get("/c/oidc/login", async (req, res, next) => {
		try {
			const cfg = await enabled();
			let started: Awaited<ReturnType<OidcClient["start"]>>;
			try {
				started = await deps.client.start(
					cfg,
					redirectUri(req),
					consolePath(req.query.redirect_url),
				);
			} catch (e) {
				// The provider cannot be reached (or its certificate is refused): said on the sign-in page.
				return refuse(
					res,
					`the identity provider did not answer: ${(e as Error).message}`,
					"anonymous",
					false,
				);
			}
			setCookie(
				res,
				loginCookie,
				deps.box.seal(JSON.stringify(started.pending)),
			);
			res.redirect(302, started.url.toString());
		} catch (e) {
			next(e);
		}
	});

	router.get("/c/oidc/callback", async (req, res, next) => {
		try {
			const cfg = await enabled();
			const pending = sealed<PendingLogin>(req, loginCookie);
			setCookie(res, loginCookie, "");
			if (!pending)
				return refuse(res, "no sign-in in progress here: start again");
			const query = new URL(req.originalUrl, "http://x").search;
			let person: OidcPerson;
			let idToken: string;
			try {
				const done = await deps.client.finish(
					cfg,
					new URL(`${redirectUri(req)}${query}`),
					pending,
				);
				person = personOf(cfg, done.claims);
				idToken = done.idToken;
			} catch (e) {
				return refuse(
					res,
					e instanceof OidcRefusal
						? e.message
						: `the provider's answer was refused: ${(e as Error).message}`,
				);
			}
			const user = await deps.users.signIn(person, idToken);
			if (user === "disabled")
				return refuse(res, "this account is disabled", person.username);
			if (user) {
				await deps.sessions.start(res, user.id);
				return res.redirect(302, pending.next);
			}
			if (cfg.autoOnboard) {
				const problem = usernameProblem(person.username);
				if (problem)
					return refuse(
						res,
						`${problem}: set oidc_user_claim to a claim that fits`,
						person.username,
					);
				try {
					const made = await deps.users.onboard(
						person,
						person.username,
						idToken,
					);
					await deps.sessions.start(res, made.id);
					return res.redirect(302, pending.next);
				} catch (e) {
					if (e instanceof ApiError)
						return refuse(res, e.message, person.username);
					throw e;
				}
			}
			const waiting: PendingOnboard = { person, idToken, next: pending.next };
			setCookie(res, onboardCookie, deps.box.seal(JSON.stringify(waiting)));
			res.redirect(
				302,
				`/oidc-onboard?username=${encodeURIComponent(person.username)}`,
			);
		} catch (e) {
			next(e);
		}
	});

	router.post(
		"/c/oidc/onboard",
		express.json({ limit: "16kb" }),
		async (req, res, next) => {
			try {
				await enabled();
				const waiting = sealed<PendingOnboard>(req, onboardCookie);
				if (!waiting)
					throw notFound(
						"no OIDC sign-in is waiting for a username: sign in again",
					);
				const form = z
					.object({ username: z.string().max(1024) })
					.safeParse(req.body);
				if (!form.success) throw badRequest("username is required");
				const problem = usernameProblem(form.data.username);
				if (problem) throw badRequest(problem);
				const user = await deps.users.onboard(
					waiting.person,
					form.data.username,
					waiting.idToken,
				);
				setCookie(res, onboardCookie, "");
				await deps.sessions.start(res, user.id);
				res.status(200).json({ username: user.username, next: waiting.next });
			} catch (e) {
				next(e);
			}
		},
	);

	return {
		router,
		/**
		 * Where the browser goes after signing out: the provider's end-session endpoint when `oidc_logout` is on and this
		 * is an OIDC user, back to the sign-in page afterwards; else nowhere.
		 */
		async logoutRedirect(
			req: Request,
			userId: number,
		): Promise<string | undefined> {
			const cfg = await deps.config();
			if (!cfg?.logout || !(await deps.users.meta(userId))) return undefined;
			return (
				(await deps.client.endSession(
					cfg,
					await deps.users.idToken(userId),
					`${base(req)}/sign-in`,
				)) ?? undefined
			);
		},
	};
}

export type OidcRoutes = ReturnType<typeof createOidcRoutes>;
