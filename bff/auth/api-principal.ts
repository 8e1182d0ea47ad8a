import type { NextFunction, Request, Response } from "express";
import { parseBasic } from "./credentials.ts";
import { anonymous, type Principal } from "./policy.ts";
import type { Principals } from "./principals.ts";
import { refusedLogin } from "./refused-login.ts";
import { principalOf, type UserService } from "./users.ts";

declare module "express-serve-static-core" {
	interface Request {
		principal?: Principal;
	}
}

/** Who calls /api/v2.0: the session's user, a user or robot by basic credentials, or anonymous. Bad credentials get 401. */
export function apiPrincipal(principals: Principals, users: UserService) {
	return async (req: Request, _res: Response, next: NextFunction) => {
		try {
			const basic = parseBasic(req.headers.authorization);
			if (basic) {
				const checked = await principals.verify(
					basic.username,
					basic.password,
					{ door: "api", address: req.ip ?? "" },
				);
				if ("refused" in checked) throw refusedLogin(checked.refused);
				req.principal = checked.principal;
			} else if (req.session) {
				const user = await users.byId(req.session.userId);
				req.principal = user && !user.disabled ? principalOf(user) : anonymous;
			} else {
				req.principal = anonymous;
			}
			next();
		} catch (e) {
			next(e);
		}
	};
}
