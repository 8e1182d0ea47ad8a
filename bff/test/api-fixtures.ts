import type { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { pack } from "tar-stream";
import { createUserService } from "../auth/users.ts";
import { now } from "../db/database.ts";
import { adminAuth, adminPassword, basic, type TestServer } from "./harness.ts";

/**
 * What the management-API tests set up: users, projects with members, calls to `/api/v2.0`, and a Helm chart made
 * in the test.
 */
export async function addUser(
	s: TestServer,
	username: string,
	password = "Passw0rd!",
) {
	const id = await createUserService(s.db).create({ username, password });
	return { id, auth: basic(username, password) };
}

/** A project with members given as [user id, role id] (1 ProjectAdmin, 2 Developer, 3 Guest, 4 Maintainer, 5 LimitedGuest). */
export async function addProject(
	s: TestServer,
	name: string,
	opts: { public?: boolean; members?: [number, number][] } = {},
) {
	const t = now();
	const p = await s.db
		.insertInto("projects")
		.values({
			name,
			owner_id: 1,
			public: opts.public ? 1 : 0,
			creation_time: t,
			update_time: t,
		})
		.returning("id")
		.executeTakeFirstOrThrow();
	if (opts.members?.length) {
		await s.db
			.insertInto("members")
			.values(
				opts.members.map(([user, role]) => ({
					project_id: p.id,
					entity_type: "u",
					entity_id: user,
					role,
					creation_time: t,
					update_time: t,
				})),
			)
			.execute();
	}
	return p.id;
}

/** Calls `/api/v2.0…` as admin unless told (`auth: null` sends no credentials). */
export function api(s: TestServer) {
	return (
		path: string,
		init: {
			method?: string;
			json?: unknown;
			auth?: string | null;
			headers?: Record<string, string>;
		} = {},
	) => {
		const auth = init.auth === undefined ? adminAuth : init.auth;
		return fetch(`${s.url}/api/v2.0${path}`, {
			method: init.method ?? "GET",
			headers: {
				...(auth ? { Authorization: auth } : {}),
				...(init.json !== undefined
					? { "Content-Type": "application/json" }
					: {}),
				...init.headers,
			},
			body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
		});
	};
}

/** Signs in to the console as a browser does (`POST /c/login`, a form); the answer carries the session cookie. */
export function login(
	s: TestServer,
	principal = "admin",
	password = adminPassword,
) {
	return fetch(`${s.url}/c/login`, {
		method: "POST",
		headers: { "Content-Type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ principal, password }),
	});
}

/** A chart archive as `helm package` makes it: `<name>/Chart.yaml`, `values.yaml`, `README.md`, gzipped. */
export async function helmChart(
	name: string,
	files: Record<string, string>,
): Promise<Buffer> {
	const tar = pack();
	for (const [file, text] of Object.entries(files))
		tar.entry({ name: `${name}/${file}`, mode: 0o644 }, text);
	tar.finalize();
	const chunks: Buffer[] = [];
	for await (const c of (tar as unknown as Readable).pipe(createGzip()))
		chunks.push(c as Buffer);
	return Buffer.concat(chunks);
}
