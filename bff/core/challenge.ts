/**
 * A `WWW-Authenticate: Bearer …` challenge. Its values come partly from the request (the Host a client or proxy sent),
 * so each is written as an RFC 9110 quoted-string: quotes and backslashes escaped, control characters (CR, LF) dropped,
 * so no value can end the header or add a parameter of its own.
 */
export function bearerChallenge(
	params: [name: string, value: string][],
): string {
	const quoted = (v: string) =>
		// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips from a header value.
		`"${v.replace(/[\x00-\x1f\x7f]/g, "").replace(/["\\]/g, "\\$&")}"`;
	return `Bearer ${params.map(([name, value]) => `${name}=${quoted(value)}`).join(",")}`;
}
