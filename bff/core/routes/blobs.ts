import { isDiskFull } from "../../db/disk-full.ts";
import { type DigestAlgorithm, parseDigest } from "../digest.ts";
import { diskFull, RegistryError, unknownBlob } from "../errors.ts";
import { parseRepositoryName } from "../names.ts";
import type { RepositoryRef } from "../uploads.ts";
import { clientGone, contentLength, type RepoRequest } from "./context.ts";
import { proxiedBlob } from "./proxied.ts";

const uploadLocation = (name: string, id: string) =>
	`/v2/${name}/blobs/uploads/${id}`;

function sendUploadState(
	r: RepoRequest,
	id: string,
	offset: number,
	status: number,
) {
	r.res
		.status(status)
		.set({
			Location: uploadLocation(r.name, id),
			Range: `0-${Math.max(offset - 1, 0)}`,
			"Docker-Upload-UUID": id,
			"Content-Length": "0",
		})
		.end();
}

/** On a full disk an upload's bytes are freed at once, not left for the purge of abandoned uploads, and the client told why. */
async function freeOnFullDisk<T>(
	r: RepoRequest,
	id: string,
	work: () => Promise<T>,
): Promise<T> {
	try {
		return await work();
	} catch (e) {
		if (!isDiskFull(e)) throw e;
		await r.services.storage.deleteUpload(id); // first: deleting the row may need the room it frees
		await r.services.uploads.cancel(id);
		throw diskFull();
	}
}

/** GET/HEAD `blobs/<digest>`, with Range; DELETE unlinks the blob from this repository. */
export async function blob(r: RepoRequest, digestParam: string) {
	const { digest } = parseDigest(digestParam);
	const linked = r.repo
		? await r.services.store.linkedBlob(r.repo.id, digest)
		: undefined;
	if (!linked && r.proxy && r.req.method !== "DELETE")
		return proxiedBlob({ ...r, proxy: r.proxy }, digest);
	if (!linked) throw unknownBlob(digest);
	const { req, res } = r;
	if (req.method === "DELETE") {
		await r.services.store.unlinkBlob(r.repo!.id, r.repo!.projectId, digest);
		res
			.status(202)
			.set({ "Docker-Content-Digest": digest, "Content-Length": "0" })
			.end();
		return;
	}
	// Presigned redirects (WHARF_S3_REDIRECT): the client, authorized above, fetches the bytes from the bucket itself,
	// Range and all; a HEAD is still answered here, from the metadata.
	if (req.method === "GET" && r.services.storage.downloadUrl) {
		res
			.status(307)
			.set({
				Location: await r.services.storage.downloadUrl(digest),
				"Docker-Content-Digest": digest,
				"Content-Length": "0",
			})
			.end();
		return;
	}
	const size = linked.size;
	let range: { start: number; end: number } | undefined;
	// One byte range is served; any other Range (another unit, several ranges) is ignored for the whole blob (RFC 9110 §14.2).
	const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range?.trim() ?? "");
	if (m && (m[1] !== "" || m[2] !== "")) {
		const start = m[1] === "" ? Math.max(size - Number(m[2]), 0) : Number(m[1]);
		const end =
			m[1] === "" || m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
		if (start > end || start >= size) throw rangeNotSatisfiable(size);
		range = { start, end };
	}
	res.set({
		"Docker-Content-Digest": digest,
		"Content-Type": "application/octet-stream",
		"Accept-Ranges": "bytes",
		ETag: `"${digest}"`,
		"Cache-Control": "max-age=31536000",
	});
	if (range) {
		res.status(206).set({
			"Content-Range": `bytes ${range.start}-${range.end}/${size}`,
			"Content-Length": String(range.end - range.start + 1),
		});
	} else {
		res.status(200).set("Content-Length", String(size));
	}
	if (req.method === "HEAD") {
		// A push asks HEAD before it skips a blob: the link it relies on is renewed (at most once a minute, so a HEAD
		// writes nothing in the common case), and GC's time window keeps it until the manifest arrives.
		const stale = new Date(Date.now() - 60_000).toISOString();
		if (linked.linked_at < stale)
			await r.services.store.touchLink(r.repo!.id, digest, stale);
		res.end();
		return;
	}
	await r.services.storage.send(digest, res, {
		range,
		signal: clientGone(req, res),
	});
}

// RFC 9110 §15.5.17: a 416 names the blob's length, so a client can ask again within it.
function rangeNotSatisfiable(size: number) {
	return Object.assign(
		new RegistryError(
			"RANGE_INVALID",
			"requested range not satisfiable",
			{ size },
			416,
		),
		{
			headers: { "Content-Range": `bytes */${size}` },
		},
	);
}

/** POST `blobs/uploads/`: start an upload, push a blob whole (`?digest=`), or mount one (`?mount=`). */
export async function startUpload(
	r: RepoRequest,
	ensureRepo: () => Promise<RepositoryRef>,
) {
	const { req, res } = r;
	const q = req.query as Record<string, string | undefined>;
	const repo = await ensureRepo();
	if (q.mount) {
		const { digest } = parseDigest(q.mount);
		if (await mount(r, repo, digest, q.from)) {
			res
				.status(201)
				.set({
					Location: `/v2/${r.name}/blobs/${digest}`,
					"Docker-Content-Digest": digest,
					"Content-Length": "0",
				})
				.end();
			return;
		}
	}
	const algorithm = (q["digest-algorithm"] ??
		(q.digest ? parseDigest(q.digest).algorithm : "sha256")) as DigestAlgorithm;
	if (algorithm !== "sha256" && algorithm !== "sha512")
		throw new RegistryError(
			"UNSUPPORTED",
			`digest algorithm ${algorithm} is not supported`,
			undefined,
			400,
		);
	const id = await r.services.uploads.start(repo, r.caller.name, algorithm);
	if (q.digest) {
		const digest = await freeOnFullDisk(r, id, () =>
			r.services.uploads.finish(id, repo, q.digest!, req, {
				length: contentLength(req),
				signal: clientGone(req, res),
			}),
		);
		res
			.status(201)
			.set({
				Location: `/v2/${r.name}/blobs/${digest}`,
				"Docker-Content-Digest": digest,
				"Content-Length": "0",
			})
			.end();
		return;
	}
	sendUploadState(r, id, 0, 202);
}

/** Links a blob another repository holds, when the caller may pull it there. Without `from`, any such repository. */
async function mount(
	r: RepoRequest,
	repo: RepositoryRef,
	digest: string,
	from: string | undefined,
): Promise<boolean> {
	const store = r.services.store;
	if (await store.linkedBlob(repo.id, digest)) return true;
	const candidates = from
		? [{ name: from }]
		: await store.repositoriesHolding(digest);
	for (const { name } of candidates) {
		try {
			parseRepositoryName(name);
		} catch {
			continue;
		}
		const source = await store.findRepository(name);
		if (
			!source ||
			!(await (from ? r.caller.can(name, "pull") : r.caller.readable(name)))
		)
			continue;
		const linked = await store.linkedBlob(source.id, digest);
		if (!linked || !(await r.services.storage.stat(digest))) continue;
		const blob = { digest, size: Number(linked.size) };
		try {
			await store.linkBlobs(
				repo.id,
				repo.projectId,
				[{ ...blob, mediaType: linked.media_type }],
				(tx) =>
					r.services.guard.beforeAdd(repo.projectId, { blobs: [blob] }, tx),
			);
		} catch (e) {
			// Collected by GC since it was looked up: no mount, the client uploads it (the spec's fallback).
			if (e instanceof RegistryError && e.code === "BLOB_UNKNOWN") return false;
			await store.dropIfEmpty(repo.id);
			throw e;
		}
		return true;
	}
	return false;
}

/** GET (status), PATCH (chunk), PUT (close), DELETE (cancel) on `blobs/uploads/<id>`. */
export async function upload(r: RepoRequest, id: string) {
	const { req, res } = r;
	const repo = r.repo;
	if (!repo)
		throw new RegistryError(
			"BLOB_UPLOAD_UNKNOWN",
			"blob upload unknown to registry",
		);
	const uploads = r.services.uploads;
	switch (req.method) {
		case "GET":
			return sendUploadState(r, id, await uploads.status(id, repo), 204);
		case "PATCH": {
			const offset = await freeOnFullDisk(r, id, () =>
				uploads.append(id, repo, req, {
					range: req.headers["content-range"],
					length: contentLength(req),
					signal: clientGone(req, res),
				}),
			);
			return sendUploadState(r, id, offset, 202);
		}
		case "PUT": {
			const digestParam = (req.query as Record<string, string | undefined>)
				.digest;
			if (!digestParam)
				throw new RegistryError(
					"DIGEST_INVALID",
					"the closing PUT needs ?digest=",
				);
			const digest = await freeOnFullDisk(r, id, () =>
				uploads.finish(id, repo, digestParam, req, {
					length: contentLength(req),
					signal: clientGone(req, res),
				}),
			);
			res
				.status(201)
				.set({
					Location: `/v2/${r.name}/blobs/${digest}`,
					"Docker-Content-Digest": digest,
					"Content-Length": "0",
				})
				.end();
			return;
		}
		case "DELETE":
			await uploads.cancel(id, repo);
			res.status(204).end();
			return;
		default:
			throw new RegistryError(
				"UNSUPPORTED",
				`method ${req.method} not allowed`,
				undefined,
				405,
			);
	}
}
