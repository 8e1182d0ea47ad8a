import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Client } from "ldapts";
import { selfSignedCertificate } from "./certificates.ts";

export const ldapBase = "dc=wharf,dc=test";
export const ldapRoot = {
	dn: `cn=admin,${ldapBase}`,
	password: "Root-Secret-1",
};
/** The bind account Wharf searches with (a read-only user, as a directory would give it). */
export const ldapSearcher = {
	dn: `cn=searcher,ou=system,${ldapBase}`,
	password: "Search-Secret-1",
};

export type LdapUserSpec = {
	uid: string;
	password: string;
	mail?: string;
	cn?: string;
};
export type LdapGroupSpec = { cn: string; members: string[] };

const userDn = (uid: string) => `uid=${uid},ou=people,${ldapBase}`;
export const groupDn = (cn: string) => `cn=${cn},ou=groups,${ldapBase}`;

async function freePort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as net.AddressInfo;
	await new Promise((r) => server.close(r));
	return port;
}

const slappasswd = (secret: string) =>
	execFileSync("/usr/sbin/slappasswd", ["-s", secret], {
		encoding: "utf8",
	}).trim();

/**
 * Debian's slapd as the test's own process on a free 127.0.0.1 port: a temporary slapd.conf (mdb database, the memberOf
 * overlay, an ACL that lets the search account read and users bind), people and groups added through LDAP after it
 * starts so the overlay writes each person's memberOf. With `tls`, an ldaps:// port too, on a self-signed certificate.
 */
export async function startLdapServer(opts: {
	users: LdapUserSpec[];
	groups: LdapGroupSpec[];
	tls?: boolean;
}) {
	const dir = await mkdtemp(path.join(os.tmpdir(), "wharf-slapd-"));
	await mkdir(path.join(dir, "db"));
	const port = await freePort();
	const tlsPort = opts.tls ? await freePort() : undefined;
	if (opts.tls) {
		await selfSignedCertificate(dir);
	}
	const conf = [
		"include /etc/ldap/schema/core.schema",
		"include /etc/ldap/schema/cosine.schema",
		"include /etc/ldap/schema/inetorgperson.schema",
		"include /etc/ldap/schema/nis.schema",
		"modulepath /usr/lib/ldap",
		"moduleload back_mdb",
		"moduleload memberof",
		`pidfile ${dir}/slapd.pid`,
		...(opts.tls
			? [
					`TLSCertificateFile ${dir}/cert.pem`,
					`TLSCertificateKeyFile ${dir}/key.pem`,
				]
			: []),
		"database mdb",
		`suffix "${ldapBase}"`,
		`rootdn "${ldapRoot.dn}"`,
		`rootpw ${slappasswd(ldapRoot.password)}`,
		`directory ${dir}/db`,
		"maxsize 10485760",
		"overlay memberof",
		"memberof-group-oc groupOfNames",
		"memberof-member-ad member",
		"memberof-memberof-ad memberOf",
		"memberof-refint TRUE",
		"access to attrs=userPassword by self write by anonymous auth by * none",
		`access to * by dn.exact="${ldapSearcher.dn}" read by self read by * none`,
	].join("\n");
	await writeFile(path.join(dir, "slapd.conf"), `${conf}\n`);
	const urls = [
		`ldap://127.0.0.1:${port}/`,
		...(tlsPort ? [`ldaps://127.0.0.1:${tlsPort}/`] : []),
	].join(" ");
	const child: ChildProcess = spawn(
		"/usr/sbin/slapd",
		["-f", path.join(dir, "slapd.conf"), "-h", urls, "-d", "0"],
		{ stdio: ["ignore", "ignore", "pipe"] },
	);
	let stderr = "";
	child.stderr!.on("data", (c: Buffer) => {
		stderr = (stderr + c.toString()).slice(-4000);
	});
	const url = `ldap://127.0.0.1:${port}`;
	const root = new Client({ url, timeout: 5000 });
	for (let i = 0; ; i++) {
		try {
			await root.bind(ldapRoot.dn, ldapRoot.password);
			break;
		} catch (e) {
			if (child.exitCode !== null || i > 100)
				throw new Error(`slapd did not start: ${stderr || String(e)}`);
			await sleep(100);
		}
	}
	const add = (dn: string, attrs: Record<string, string | string[]>) =>
		root.add(dn, attrs);
	await add(ldapBase, {
		objectClass: ["dcObject", "organization"],
		dc: "wharf",
		o: "Wharf test",
	});
	for (const ou of ["people", "groups", "system"])
		await add(`ou=${ou},${ldapBase}`, {
			objectClass: "organizationalUnit",
			ou,
		});
	await add(ldapSearcher.dn, {
		objectClass: ["organizationalRole", "simpleSecurityObject"],
		cn: "searcher",
		userPassword: slappasswd(ldapSearcher.password),
	});
	const server = {
		url,
		tlsUrl: tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined,
		userDn,
		groupDn,
		async addUser(u: LdapUserSpec) {
			await add(userDn(u.uid), {
				objectClass: ["inetOrgPerson"],
				uid: u.uid,
				cn: u.cn ?? u.uid,
				sn: u.uid,
				mail: u.mail ?? `${u.uid}@wharf.test`,
				userPassword: slappasswd(u.password),
			});
		},
		async addGroup(g: LdapGroupSpec) {
			// groupOfNames needs a member: the search account stands in for an empty group.
			await add(groupDn(g.cn), {
				objectClass: "groupOfNames",
				cn: g.cn,
				member: g.members.length ? g.members.map(userDn) : [ldapSearcher.dn],
			});
		},
		async setMembers(cn: string, members: string[]) {
			const { Change, Attribute } = await import("ldapts");
			await root.modify(
				groupDn(cn),
				new Change({
					operation: "replace",
					modification: new Attribute({
						type: "member",
						values: members.length ? members.map(userDn) : [ldapSearcher.dn],
					}),
				}),
			);
		},
		/** The settings that point Wharf at this server. */
		settings: (more: Record<string, unknown> = {}) => ({
			ldap_url: url,
			ldap_search_dn: ldapSearcher.dn,
			ldap_search_password: ldapSearcher.password,
			ldap_base_dn: `ou=people,${ldapBase}`,
			ldap_filter: "(objectClass=inetOrgPerson)",
			ldap_uid: "uid",
			ldap_scope: 2,
			ldap_group_base_dn: `ou=groups,${ldapBase}`,
			ldap_group_search_filter: "(objectClass=groupOfNames)",
			ldap_group_attribute_name: "cn",
			ldap_group_membership_attribute: "memberOf",
			...more,
		}),
		async close() {
			await root.unbind().catch(() => {});
			child.kill("SIGTERM");
			if (child.exitCode === null)
				await new Promise((r) => child.once("exit", r));
			await rm(dir, { recursive: true, force: true });
		},
	};
	for (const u of opts.users) await server.addUser(u);
	for (const g of opts.groups) await server.addGroup(g);
	return server;
}

export type LdapServer = Awaited<ReturnType<typeof startLdapServer>>;
