import type { z } from "zod";
import { badRequest } from "./errors.ts";

/** Parses a request body (or query) against the contract's schema; a mismatch is a 400 that names the field. */
export function parseWith<T extends z.ZodType>(
	schema: T,
	value: unknown,
): z.infer<T> {
	const r = schema.safeParse(value ?? {});
	if (r.success) return r.data;
	const issue = r.error.issues[0];
	throw badRequest(
		`${issue.path.length ? `${issue.path.join(".")}: ` : ""}${issue.message}`,
	);
}

/** The largest id a table holds (Postgres `serial`): a larger one would make the database fail, not answer "none". */
export const maxId = 2_147_483_647;

/**
 * A whole number written in plain digits (no `1e20`, `0x10`, sign or blanks), from `min` to `max`: out of range is the
 * client's mistake (400), never a number the database chokes on.
 */
export function integerParam(
	value: unknown,
	name: string,
	min: number,
	max: number,
): number {
	const n =
		typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
	if (!(n >= min && n <= max))
		throw badRequest(`${name} must be an integer from ${min} to ${max}`);
	return n;
}

/** An integer id from the path (`user_id`, `mid`, `robot_id`…). */
export const pathId = (value: unknown, name: string): number =>
	integerParam(value, name, 1, maxId);
