/** Splits `Basic base64(user:pass)`; null for anything else. */
export function parseBasic(
	header: string | undefined,
): { username: string; password: string } | null {
	if (!header || !/^basic /i.test(header)) return null;
	const decoded = Buffer.from(header.slice(6).trim(), "base64").toString(
		"utf8",
	);
	const colon = decoded.indexOf(":");
	if (colon < 0) return null;
	return {
		username: decoded.slice(0, colon),
		password: decoded.slice(colon + 1),
	};
}

export function parseBearer(header: string | undefined): string | null {
	if (!header || !/^bearer /i.test(header)) return null;
	return header.slice(7).trim();
}
