import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { parse as parseCookies, serialize } from "cookie";
import type { NextFunction, Request, Response } from "express";
import { type Db, now } from "../db/database.ts";
import { type DiskReserve, isDiskFull, noReserve } from "../db/disk-full.ts";
import { forbidden } from "../http/errors.ts";

export const sessionCookie = "sid";
export const csrfHeader = "X-Harbor-CSRF-Token";

export type Session = { userId: number; csrf: string };

declare module "express-serve-static-core" {
	interface Request {
		session?: Session;
	}
}

const digest = (sid: string) =>
	createHash("sha256").update(sid).digest("base64url");
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Console sessions: an opaque id in an http-only SameSite cookie, its hash and a CSRF token in the database (so
 * every replica knows it). Writes that ride on the cookie must echo the CSRF token in `X-Harbor-CSRF-Token`.
 */
export function createSessions(deps: {
	db: Db;
	timeoutSeconds: () => Promise<number>;
	secureCookies: boolean;
	reserve?: DiskReserve;
}) {
	const { db, timeoutSeconds, secureCookies } = deps;
	const reserve = deps.reserve ?? noReserve;
	const expiry = (seconds: number) =>
		new Date(Date.now() + seconds * 1000).toISOString();

	const cookie = (value: string, maxAge: number) =>
		serialize(sessionCookie, value, {
			httpOnly: true,
			sameSite: "lax",
			secure: secureCookies,
			path: "/",
			maxAge,
		});

	return {
		async start(res: Response, userId: number): Promise<Session> {
			const timeout = await timeoutSeconds();
			// A sign-in on a full disk may take the room held back for the database; a fresh id per try, so a retry
			// never collides with a first try that SQLite reported failed after all.
			const { sid, csrf } = await reserve.withRoom(async () => {
				const sid = randomBytes(32).toString("base64url");
				const csrf = randomBytes(32).toString("base64url");
				await db
					.insertInto("sessions")
					.values({
						id_hash: digest(sid),
						user_id: userId,
						csrf_token: csrf,
						expires_at: expiry(timeout),
						creation_time: now(),
					})
					.execute();
				return { sid, csrf };
			});
			res.append("Set-Cookie", cookie(sid, timeout));
			res.set(csrfHeader, csrf);
			return { userId, csrf };
		},

		async end(req: Request, res: Response) {
			const sid = parseCookies(req.headers.cookie ?? "")[sessionCookie];
			if (sid)
				await reserve.withRoom(() =>
					db
						.deleteFrom("sessions")
						.where("id_hash", "=", digest(sid))
						.execute(),
				);
			res.append("Set-Cookie", cookie("", 0));
		},

		/** Loads the session (sliding its expiry) and enforces CSRF on unsafe methods that carry the cookie. */
		middleware() {
			return async (req: Request, res: Response, next: NextFunction) => {
				try {
					const sid = parseCookies(req.headers.cookie ?? "")[sessionCookie];
					if (!sid) return next();
					const row = await db
						.selectFrom("sessions")
						.select(["user_id", "csrf_token", "expires_at"])
						.where("id_hash", "=", digest(sid))
						.executeTakeFirst();
					if (!row || row.expires_at < now()) return next();
					req.session = { userId: row.user_id, csrf: row.csrf_token };
					res.set(csrfHeader, row.csrf_token);
					if (!safeMethods.has(req.method)) {
						const sent = Buffer.from(
							String(req.headers[csrfHeader.toLowerCase()] ?? ""),
						);
						const expected = Buffer.from(row.csrf_token);
						if (
							sent.length !== expected.length ||
							!timingSafeEqual(sent, expected)
						) {
							throw forbidden(
								"CSRF token invalid: send the X-Harbor-CSRF-Token header from the last response",
							);
						}
					}
					// Slide the expiry at most once a minute, not on every request; the cookie slides with it, or the browser
					// would drop it at the first expiry while the user is still at work. On a full disk the session keeps its
					// expiry rather than failing the request. A shorter session_timeout set meanwhile applies from this slide on.
					const timeout = await timeoutSeconds();
					const left = Date.parse(row.expires_at) - Date.now();
					if (left < timeout * 1000 - 60_000 || left > timeout * 1000) {
						const slid = await db
							.updateTable("sessions")
							.set({ expires_at: expiry(timeout) })
							.where("id_hash", "=", digest(sid))
							.execute()
							.then(
								() => true,
								(e: unknown) => {
									if (isDiskFull(e)) return false;
									throw e;
								},
							);
						if (slid) res.append("Set-Cookie", cookie(sid, timeout));
					}
					next();
				} catch (e) {
					next(e);
				}
			};
		},

		purgeExpired: () =>
			db.deleteFrom("sessions").where("expires_at", "<", now()).execute(),
	};
}

export type Sessions = ReturnType<typeof createSessions>;
