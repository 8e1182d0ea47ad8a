import { isDigest } from "../digest.ts";
import { RegistryError, unknownManifest } from "../errors.ts";
import { maxManifestBytes } from "../manifests.ts";
import type { RepositoryRef } from "../uploads.ts";
import type { RepoRequest } from "./context.ts";
import { proxiedManifest } from "./proxied.ts";

async function readBody(r: RepoRequest): Promise<Buffer> {
	const declared = Number(r.req.headers["content-length"] ?? 0);
	if (declared > maxManifestBytes)
		throw new RegistryError(
			"SIZE_INVALID",
			`manifest exceeds ${maxManifestBytes} bytes`,
			undefined,
			413,
		);
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of r.req) {
		size += (chunk as Buffer).length;
		if (size > maxManifestBytes)
			throw new RegistryError(
				"SIZE_INVALID",
				`manifest exceeds ${maxManifestBytes} bytes`,
				undefined,
				413,
			);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** GET/HEAD/PUT/DELETE `manifests/<reference>`. */
export async function manifest(
	r: RepoRequest,
	reference: string,
	ensureRepo: () => Promise<RepositoryRef>,
) {
	const { req, res, services } = r;
	const audit = (
		operation: "create" | "delete" | "pull",
		what: string,
		resourceType: "artifact" | "tag" = "artifact",
	) =>
		services.audit.record({
			project: r.project,
			operator: r.caller.name,
			resource: `${r.name}${what}`,
			resourceType,
			operation,
		});

	if (req.method === "PUT") {
		const body = await readBody(r);
		const repo = await ensureRepo();
		const extra = ([] as string[]).concat(
			(req.query.tag as string | string[] | undefined) ?? [],
		);
		const { digest, subject, tags } = await services.manifests.put(
			repo,
			reference,
			body,
			req.headers["content-type"],
			extra,
		);
		audit("create", tags.length ? `:${tags.join(",")}` : `@${digest}`);
		services.events?.emit({
			type: "push",
			project: r.project,
			repository: r.name,
			digest,
			tags,
			operator: r.caller.name,
		});
		res
			.status(201)
			.set({
				Location: `/v2/${r.name}/manifests/${digest}`,
				"Docker-Content-Digest": digest,
				"Content-Length": "0",
				...(subject ? { "OCI-Subject": subject } : {}),
			})
			.end();
		return;
	}
	if (r.proxy && req.method !== "DELETE")
		return proxiedManifest({ ...r, proxy: r.proxy }, reference);
	if (!r.repo) throw unknownManifest(reference);
	if (req.method === "DELETE") {
		const gone = await services.manifests.delete(r.repo, reference);
		audit(
			"delete",
			gone.tag ? `:${gone.tag}` : `@${gone.digest}`,
			gone.tag ? "tag" : "artifact",
		);
		// An artifact gone (not a tag): what replicate_deletion follows.
		if (gone.digest)
			services.events?.emit({
				type: "delete",
				project: r.project,
				repository: r.name,
				digest: gone.digest,
				tags: [],
				operator: r.caller.name,
			});
		res.status(202).set("Content-Length", "0").end();
		return;
	}
	const { artifact, body } = await services.manifests.get(r.repo, reference);
	// The project's pull policy: a GET of a vulnerable or unscanned image is refused (a HEAD only looks), scanners and
	// Wharf's own replication exempt.
	// Exemption is asked only of a refusal: most pulls meet no policy (its answer is cached), and pay nothing more.
	if (req.method === "GET" && services.pullGuard) {
		try {
			await services.pullGuard(r.repo.projectId, artifact);
		} catch (e) {
			if (!(await r.caller.can(r.name, "scanner-pull"))) throw e;
		}
	}
	// setHeader, not res.set: Express passes a Content-Type through mime-types, which may append a charset.
	res.status(200).setHeader("Content-Type", artifact.manifest_media_type);
	res.set({
		"Content-Length": String(body.length),
		"Docker-Content-Digest": artifact.digest,
		ETag: `"${artifact.digest}"`,
	});
	if (req.method === "HEAD") {
		res.end();
		return;
	}
	res.end(body);
	services.pulls.record(
		artifact.id,
		artifact.repository_id,
		isDigest(reference) ? null : reference,
	);
	audit("pull", isDigest(reference) ? `@${artifact.digest}` : `:${reference}`);
	services.events?.emit({
		type: "pull",
		project: r.project,
		repository: r.name,
		digest: artifact.digest,
		tags: isDigest(reference) ? [] : [reference],
		operator: r.caller.name,
	});
}
