import { expect } from "vitest";

/** Expects a Harbor error answer (`{"errors":[…]}`): its status, and a message saying why. */
export async function expectRefused(
	r: Response,
	status: number,
	message: RegExp,
) {
	const text = await r.text();
	expect(r.status, text).toBe(status);
	expect(
		(JSON.parse(text) as { errors: { message: string }[] }).errors[0].message,
	).toMatch(message);
}
