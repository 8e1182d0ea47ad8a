import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { expect } from "vitest";
import { adminAuth, type TestServer } from "./harness.ts";

/**
 * Small HTTP helpers for the whole-server distribution tests: blobs and manifests are made from random bytes in
 * the test, and every request goes through the server's one public port, as a registry client's would.
 */
export const mt = {
	ociManifest: "application/vnd.oci.image.manifest.v1+json",
	ociIndex: "application/vnd.oci.image.index.v1+json",
	ociConfig: "application/vnd.oci.image.config.v1+json",
	ociLayer: "application/vnd.oci.image.layer.v1.tar+gzip",
	ociEmpty: "application/vnd.oci.empty.v1+json",
	dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
	dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
	dockerConfig: "application/vnd.docker.container.image.v1+json",
	dockerLayer: "application/vnd.docker.image.rootfs.diff.tar.gzip",
	dockerSchema1: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

export const sha256 = (b: Buffer) =>
	`sha256:${createHash("sha256").update(b).digest("hex")}`;
export const sha512 = (b: Buffer) =>
	`sha512:${createHash("sha512").update(b).digest("hex")}`;

/** A repository name no other test uses, in the public `library` project unless told. */
export const uniqueRepo = (prefix = "r", project = "library") =>
	`${project}/${prefix}-${randomBytes(4).toString("hex")}`;

export type Descriptor = {
	mediaType: string;
	digest: string;
	size: number;
	artifactType?: string;
	platform?: { os: string; architecture: string };
};
export const descriptor = (
	mediaType: string,
	data: Buffer,
	digest = sha256(data),
): Descriptor => ({ mediaType, digest, size: data.length });

type Init = {
	method?: string;
	body?: Buffer | string;
	headers?: Record<string, string>;
	auth?: string | null;
};

/** A registry client bound to one server: `auth` defaults to admin's basic credentials; `null` sends none. */
export function client(s: TestServer) {
	const call = (path: string, init: Init = {}) => {
		const headers: Record<string, string> = { ...(init.headers ?? {}) };
		const auth = init.auth === undefined ? adminAuth : init.auth;
		if (auth) headers.Authorization = auth;
		return fetch(path.startsWith("http") ? path : `${s.url}${path}`, {
			method: init.method ?? "GET",
			headers,
			body: init.body as BodyInit | undefined,
		});
	};

	/** Pushes bytes in one request (POST `?digest=`) and returns the digest. */
	async function pushBlob(
		repo: string,
		data: Buffer,
		digest = sha256(data),
	): Promise<string> {
		const r = await call(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
			method: "POST",
			body: data,
			headers: { "Content-Type": "application/octet-stream" },
		});
		expect(r.status, await r.clone().text()).toBe(201);
		return digest;
	}

	/** Starts an upload session and returns its Location (a path). */
	async function startUpload(repo: string, query = ""): Promise<string> {
		const r = await call(`/v2/${repo}/blobs/uploads/${query}`, {
			method: "POST",
		});
		expect(r.status, await r.clone().text()).toBe(202);
		return r.headers.get("location")!;
	}

	async function putManifest(
		repo: string,
		reference: string,
		body: Buffer,
		contentType: string = mt.ociManifest,
	) {
		return call(`/v2/${repo}/manifests/${reference}`, {
			method: "PUT",
			body,
			headers: { "Content-Type": contentType },
		});
	}

	/** Pushes a config and one layer of random bytes and an OCI image manifest over them; returns what was made. */
	async function pushImage(
		repo: string,
		reference: string | null,
		extra: Partial<{
			subject: Descriptor;
			artifactType: string;
			configMediaType: string;
			annotations: Record<string, string>;
		}> = {},
	) {
		const config = Buffer.from(
			JSON.stringify({
				architecture: "amd64",
				os: "linux",
				nonce: randomBytes(8).toString("hex"),
			}),
		);
		const layer = randomBytes(512);
		await pushBlob(repo, config);
		await pushBlob(repo, layer);
		const body = imageManifest({
			config: descriptor(extra.configMediaType ?? mt.ociConfig, config),
			layers: [descriptor(mt.ociLayer, layer)],
			...extra,
		});
		const digest = sha256(body);
		const r = await putManifest(repo, reference ?? digest, body);
		expect(r.status, await r.clone().text()).toBe(201);
		return {
			digest,
			body,
			config: sha256(config),
			layer: sha256(layer),
			size: body.length,
			response: r,
		};
	}

	return { call, pushBlob, startUpload, putManifest, pushImage };
}

export function imageManifest(m: {
	config: Descriptor;
	layers: Descriptor[];
	subject?: Descriptor;
	artifactType?: string;
	annotations?: Record<string, string>;
	mediaType?: string;
}): Buffer {
	return Buffer.from(
		JSON.stringify({
			schemaVersion: 2,
			mediaType: m.mediaType ?? mt.ociManifest,
			...m,
		}),
	);
}

export function imageIndex(
	manifests: Descriptor[],
	mediaType: string = mt.ociIndex,
): Buffer {
	return Buffer.from(
		JSON.stringify({ schemaVersion: 2, mediaType, manifests }),
	);
}

/** The first OCI error code of a response's JSON body. */
export async function errorCode(r: Response): Promise<string | undefined> {
	const body = (await r.json()) as { errors?: { code: string }[] };
	return body.errors?.[0]?.code;
}

/** Asserts a status and an OCI error code together, so a failure shows both. */
export async function expectError(r: Response, status: number, code: string) {
	const text = await r.text();
	expect(
		{
			status: r.status,
			code: (JSON.parse(text || "{}") as { errors?: { code: string }[] })
				.errors?.[0]?.code,
		},
		text,
	).toEqual({ status, code });
}

/** A request with the path sent byte for byte: `fetch` would normalise `..` and `%2e%2e` away before sending. */
export function rawRequest(
	s: TestServer,
	method: string,
	path: string,
	headers: Record<string, string> = { Authorization: adminAuth },
) {
	return new Promise<{ status: number; body: string }>((resolve, reject) => {
		const req = http.request(
			{ host: "127.0.0.1", port: s.port, method, path, headers },
			(res) => {
				const chunks: Buffer[] = [];
				res.on("data", (c: Buffer) => chunks.push(c));
				res.on("end", () =>
					resolve({
						status: res.statusCode!,
						body: Buffer.concat(chunks).toString(),
					}),
				);
			},
		);
		req.on("error", reject);
		req.end();
	});
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
