import { type Db, now } from "../db/database.ts";
import { isBcrypt } from "./passwords.ts";
import { usernameProblem } from "./usernames.ts";

/** What an import did, line by line: who was added, who was there already (left as they are), and what was refused. */
export type HtpasswdReport = {
	imported: string[];
	existing: { line: number; username: string }[];
	refused: { line: number; username: string; reason: string }[];
};

/** The scheme of an htpasswd hash, in the words of `htpasswd`'s options, for the report. */
const schemeOf = (hash: string) =>
	hash.startsWith("$apr1$")
		? "MD5 (htpasswd -m)"
		: hash.startsWith("{SHA}")
			? "SHA-1 (htpasswd -s)"
			: /^\$[56]\$/.test(hash)
				? "SHA-2 crypt (htpasswd -2/-5)"
				: /^[./0-9A-Za-z]{13}$/.test(hash)
					? "crypt (htpasswd -d)"
					: "plain text or unknown";

/**
 * Imports an htpasswd file as registry:2 reads them (bcrypt only, `htpasswd -B`) into Wharf's users: each keeps its
 * bcrypt hash, which the first successful sign-in checks and replaces by Wharf's scrypt. A user who exists already is
 * left as they are and reported; a line with another scheme (MD5, SHA-1, crypt, plain) or a name Harbor refuses is
 * reported by its number, never imported.
 */
export async function importHtpasswd(
	db: Db,
	text: string,
): Promise<HtpasswdReport> {
	const report: HtpasswdReport = { imported: [], existing: [], refused: [] };
	const seen = new Set<string>();
	const lines = text.split(/\r?\n/);
	for (const [i, raw] of lines.entries()) {
		const line = i + 1;
		const entry = raw.trim();
		if (entry === "" || entry.startsWith("#")) continue;
		const colon = entry.indexOf(":");
		const username = colon < 0 ? entry : entry.slice(0, colon);
		const hash = colon < 0 ? "" : entry.slice(colon + 1);
		const refuse = (reason: string) =>
			report.refused.push({ line, username, reason });
		if (colon < 0 || hash === "") {
			refuse("not a user:hash line");
			continue;
		}
		if (!isBcrypt(hash)) {
			refuse(
				`unsupported hash scheme: ${schemeOf(hash)}; only bcrypt (htpasswd -B) is imported`,
			);
			continue;
		}
		const problem = usernameProblem(username);
		if (problem && username !== "admin") {
			refuse(problem);
			continue;
		}
		if (seen.has(username)) {
			refuse("the name is on an earlier line of the file");
			continue;
		}
		seen.add(username);
		const t = now();
		const r = await db
			.insertInto("users")
			.values({
				username,
				email: null,
				realname: username,
				comment: "from htpasswd",
				password_hash: hash,
				sysadmin: 0,
				disabled: 0,
				creation_time: t,
				update_time: t,
			})
			.onConflict((oc) => oc.column("username").doNothing())
			.executeTakeFirst();
		if (Number(r.numInsertedOrUpdatedRows ?? 0) > 0)
			report.imported.push(username);
		else report.existing.push({ line, username });
	}
	return report;
}
