import express, { type Request, Router } from "express";
import { z } from "zod";
import { badRequest } from "../http/errors.ts";
import type { Principal } from "./policy.ts";
import type { Principals } from "./principals.ts";
import { refusedLogin } from "./refused-login.ts";
import type { Sessions } from "./sessions.ts";

const loginForm = z.object({
	principal: z.string().min(1).max(255),
	password: z.string().min(1).max(1024),
});

/** `POST /c/login` (form or JSON: principal, password), `GET /c/log_out` and `/c/logout`. */
export function createLoginRoutes(deps: {
	principals: Principals;
	sessions: Sessions;
	/** Where the browser should go next to end the session at the identity provider too (OIDC's end-session). */
	logoutRedirect?: (
		req: Request,
		userId: number,
	) => Promise<string | undefined>;
}) {
	const { principals, sessions } = deps;
	const router = Router();
	router.post(
		"/c/login",
		express.urlencoded({ extended: false, limit: "16kb" }),
		express.json({ limit: "16kb" }),
		async (req, res, next) => {
			try {
				const form = loginForm.safeParse(req.body);
				if (!form.success)
					throw badRequest("principal and password are required");
				const { principal, password } = form.data;
				// Robots hold no console sessions.
				const checked = await principals.verify(principal, password, {
					door: "console",
					address: req.ip ?? "",
					usersOnly: true,
				});
				if ("refused" in checked) throw refusedLogin(checked.refused);
				const user = checked.principal as Extract<Principal, { kind: "user" }>;
				await sessions.start(res, user.id);
				res.status(200).json({ username: user.name });
			} catch (e) {
				next(e);
			}
		},
	);
	const logout: express.RequestHandler = async (req, res, next) => {
		try {
			const redirect =
				req.session && deps.logoutRedirect
					? await deps.logoutRedirect(req, req.session.userId)
					: undefined;
			await sessions.end(req, res);
			// Beyond Harbor's empty answer: the provider's end-session URL, for the console to go to (oidc_logout).
			res.status(200).json(redirect ? { redirect_url: redirect } : {});
		} catch (e) {
			next(e);
		}
	};
	router.post("/c/logout", logout); // with the CSRF token; session-origin.ts decides which sites may call these
	router.get("/c/log_out", logout);
	router.get("/c/logout", logout);
	return router;
}
