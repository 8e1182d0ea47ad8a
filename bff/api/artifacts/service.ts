import type {
	AuditSink,
	ImmutableTest,
	WriteGuard,
} from "../../core/access.ts";
import { isDigest } from "../../core/digest.ts";
import { ImmutableTagError, RegistryError } from "../../core/errors.ts";
import type { ManifestService } from "../../core/manifests.ts";
import { isIndexType } from "../../core/media-types.ts";
import { isTag, parseRepositoryName } from "../../core/names.ts";
import type { StorageDriver } from "../../core/storage/driver.ts";
import type { ArtifactRow, RegistryStore } from "../../core/store.ts";
import { cosignTagOf } from "../../core/top-level.ts";
import type { RepositoryRef } from "../../core/uploads.ts";
import { now } from "../../db/database.ts";
import { isUniqueViolation } from "../../db/sql-match.ts";
import type { ArtifactEventSink } from "../../events/artifact-events.ts";
import { ApiError, badRequest, notFound } from "../errors.ts";
import type { LabelStore } from "../labels/store.ts";
import {
	type ArtifactExtras,
	accessoryJson,
	additionsOf,
	artifactJson,
	tagJson,
} from "./artifact-json.ts";
import { createParseBudget } from "./blob-json.ts";
import { createChartExtracts } from "./chart-extracts.ts";
import { type ChartFile, chartDependencies } from "./chart-files.ts";
import { createManifestDetails } from "./manifest-details.ts";
import type {
	ArtifactListOptions,
	ArtifactListRow,
	ArtifactScope,
	ArtifactStore,
} from "./store.ts";

export type PresentFlags = {
	withTag: boolean;
	withLabel: boolean;
	withAccessory: boolean;
	withInheritedAccessory: boolean;
	withScanOverview?: boolean;
};

export type Addition = { contentType: string; body: string };

/**
 * Manifest and config bytes one request may have read and parsed for details not yet cached: a page of real
 * images needs kilobytes; past it the rest of the page answers without `extra_attrs` (and is read by a later page).
 */
const parseBudgetBytes = 16 * 1024 * 1024;
const signatureTypes = new Set(["signature.cosign", "signature.notation"]);

/** Where a copy comes from: `project/repo:tag` or `project/repo@sha256:…`. */
export function parseCopySource(from: string): {
	project: string;
	repository: string;
	reference: string;
	tag: string | null;
} {
	const at = from.indexOf("@");
	let repository: string;
	let reference: string;
	if (at >= 0) {
		repository = from.slice(0, at);
		reference = from.slice(at + 1);
		if (!isDigest(reference))
			throw badRequest(`invalid digest in from: ${reference}`);
	} else {
		const colon = from.lastIndexOf(":");
		if (colon <= from.lastIndexOf("/"))
			throw badRequest(
				"from must be project/repository:tag or project/repository@digest",
			);
		repository = from.slice(0, colon);
		reference = from.slice(colon + 1);
		if (!isTag(reference))
			throw badRequest(`invalid tag in from: ${reference}`);
	}
	const slash = repository.indexOf("/");
	if (slash <= 0 || slash === repository.length - 1)
		throw badRequest("from must name project/repository");
	return {
		project: repository.slice(0, slash),
		repository,
		reference,
		tag: at >= 0 ? null : reference,
	};
}

export function createArtifactService(deps: {
	store: ArtifactStore;
	registry: RegistryStore;
	manifests: ManifestService;
	storage: StorageDriver;
	audit: AuditSink;
	labels: LabelStore;
	guard: Pick<WriteGuard, "beforeAdd" | "immutableTags">;
	/**
	 * Deletions and copies for subscribers (replication's event trigger, webhooks), as the core emits those made through
	 * /v2: a copy is a push into its target (Harbor's PUSH_ARTIFACT, and QUOTA_WARNING when it fills the project).
	 */
	events?: ArtifactEventSink;
	/** Scan overviews of a page of artifacts, in one query (absent: none are shown). */
	scanOverviews?: (
		artifactIds: number[],
	) => Promise<Map<number, Record<string, unknown>>>;
}) {
	const { store, registry, manifests, storage, audit, guard } = deps;
	const details = createManifestDetails(storage);
	const charts = createChartExtracts(storage);

	/** Everything a page of artifacts shows, in one query per kind (tags, labels, references, accessories, sizes). */
	async function present(rows: ArtifactListRow[], flags: PresentFlags) {
		const ids = rows.map((r) => r.id);
		const budget = createParseBudget(parseBudgetBytes);
		const repoNames = new Map(
			rows.map((r) => [r.repository_id, r.repository_name]),
		);
		const [
			tags,
			labels,
			references,
			sizes,
			accessories,
			inherited,
			manifestDetails,
			overviews,
		] = await Promise.all([
			flags.withTag ? store.tagsOf(ids) : null,
			flags.withLabel ? store.labelsOf(ids) : null,
			store.referencesOf(ids),
			store.contentSizes(ids),
			flags.withAccessory
				? accessoriesBySubject(
						rows.map((r) => ({
							id: r.id,
							repositoryId: r.repository_id,
							digest: r.digest,
						})),
						repoNames,
					)
				: null,
			flags.withInheritedAccessory
				? inheritedAccessories(ids, repoNames)
				: null,
			Promise.all(rows.map((r) => details.of(r, budget))),
			flags.withScanOverview && deps.scanOverviews
				? deps.scanOverviews(ids)
				: null,
		]);
		const immutables = new Map<number, ImmutableTest | null>(
			tags
				? await Promise.all(
						[...new Set(rows.map((r) => r.project_id))].map(
							async (p) => [p, await guard.immutableTags(p)] as const,
						),
					)
				: [],
		);
		return rows.map((r, i) => {
			const x: ArtifactExtras = {
				details: manifestDetails[i],
				contentSize: sizes.get(r.id) ?? 0,
				references: references.filter((ref) => ref.parent_id === r.id),
			};
			if (tags) {
				const immutable = immutables.get(r.project_id);
				x.tags = tags
					.filter((t) => t.artifact_id === r.id)
					.map((t) => ({
						...t,
						immutable: !!immutable?.(r.repository_name, t.name),
					}));
			}
			if (labels) x.labels = labels.filter((l) => l.artifact_id === r.id);
			if (accessories) x.accessories = accessories.get(r.id) ?? [];
			if (inherited) x.inheritedAccessories = inherited.get(r.id) ?? [];
			const overview = overviews?.get(r.id);
			if (overview) x.scanOverview = overview;
			return artifactJson(r, x);
		});
	}

	async function accessoriesBySubject(
		subjects: { id: number; repositoryId: number; digest: string }[],
		repoNames: Map<number, string>,
	) {
		const found = await store.accessoriesOf(subjects);
		const out = new Map<number, ReturnType<typeof accessoryJson>[]>();
		for (const s of subjects) {
			const mine = found.filter(
				(a) => a.repository_id === s.repositoryId && a.subject === s.digest,
			);
			out.set(
				s.id,
				mine.map((a) =>
					accessoryJson(
						a,
						{
							id: s.id,
							digest: s.digest,
							repositoryName: repoNames.get(s.repositoryId) ?? "",
						},
						a.cosignTag,
					),
				),
			);
		}
		return out;
	}

	/** Signatures of the indexes that reference each artifact (the swagger's `inherited_accessories`). */
	async function inheritedAccessories(
		ids: number[],
		repoNames: Map<number, string>,
	) {
		const parents = await store.parentsOf(ids);
		const ofParents = await accessoriesBySubject(
			parents.map((p) => ({
				id: p.parent_id,
				repositoryId: p.repository_id,
				digest: p.digest,
			})),
			repoNames,
		);
		const out = new Map<number, ReturnType<typeof accessoryJson>[]>();
		for (const p of parents) {
			const sigs = (ofParents.get(p.parent_id) ?? []).filter((a) =>
				signatureTypes.has(a.type),
			);
			out.set(p.child_id, [...(out.get(p.child_id) ?? []), ...sigs]);
		}
		return out;
	}

	/** A tag or a digest in the repository. */
	async function resolve(
		repo: RepositoryRef,
		reference: string,
	): Promise<ArtifactRow> {
		const a = isDigest(reference)
			? await registry.findArtifact(repo.id, reference)
			: isTag(reference)
				? await registry.findTagged(repo.id, reference)
				: undefined;
		if (!a)
			throw notFound(
				`artifact ${repo.name}${isDigest(reference) ? "@" : ":"}${reference} not found`,
			);
		return a;
	}

	/** What a copy writes: every blob (counted once) and every manifest, children before the index that lists them. */
	type CopyPlan = {
		blobs: Map<string, { size: number; mediaType: string }>;
		manifests: { a: ArtifactRow; body: Buffer; tag: string | null }[];
	};

	async function planCopy(
		src: RepositoryRef,
		a: ArtifactRow,
		tag: string | null,
		plan: CopyPlan,
		depth = 0,
	): Promise<void> {
		if (depth > 8) throw badRequest("the artifact nests too deeply to copy");
		const { body } = await manifests.get(src, a.digest);
		if (isIndexType(a.manifest_media_type)) {
			for (const ref of await store.referencesOf([a.id])) {
				const child = await registry.findArtifact(src.id, ref.child_digest);
				if (child) await planCopy(src, child, null, plan, depth + 1);
			}
		} else {
			const m = JSON.parse(body.toString("utf8")) as {
				config?: { digest: string };
				layers?: { digest: string; urls?: string[] }[];
			};
			const blobs = [
				m.config?.digest,
				...(m.layers ?? []).filter((l) => !l.urls?.length).map((l) => l.digest),
			].filter((d): d is string => !!d);
			for (const digest of blobs) {
				const blob = await registry.findBlob(digest);
				if (!blob)
					throw notFound(`blob ${digest} of ${src.name}@${a.digest} not found`);
				plan.blobs.set(digest, {
					size: Number(blob.size),
					mediaType: blob.media_type,
				});
			}
		}
		plan.manifests.push({ a, body, tag });
	}

	/** A copy that would move an immutable tag of the target is refused before anything is written. */
	async function refuseMovingImmutable(
		target: { projectId: number; name: string },
		plan: CopyPlan,
	) {
		const existing = await registry.findRepository(target.name);
		if (!existing) return;
		const dst: RepositoryRef = {
			id: existing.id,
			projectId: target.projectId,
			name: target.name,
		};
		try {
			for (const m of plan.manifests)
				if (m.tag)
					await manifests.refuseMovingImmutable(dst, [m.tag], m.a.digest);
		} catch (e) {
			throw asApiError(e);
		}
	}

	/** Asks the quota for everything at once, so a refused copy leaves nothing behind; then links and records. */
	async function runCopy(
		target: { projectId: number; name: string },
		plan: CopyPlan,
	): Promise<void> {
		const blobs = [...plan.blobs].map(([digest, b]) => ({
			digest,
			size: b.size,
		}));
		const adds = [
			...blobs,
			...plan.manifests.map((m) => ({
				digest: m.a.digest,
				size: m.body.length,
			})),
		];
		try {
			await guard.beforeAdd(target.projectId, { blobs: adds });
		} catch (e) {
			throw asApiError(e);
		}
		const dst: RepositoryRef = {
			id: await registry.ensureRepository(target.projectId, target.name),
			projectId: target.projectId,
			name: target.name,
		};
		try {
			await registry.linkBlobs(
				dst.id,
				dst.projectId,
				[...plan.blobs].map(([digest, b]) => ({ digest, ...b })),
				(tx) => guard.beforeAdd(target.projectId, { blobs }, tx),
			);
		} catch (e) {
			await registry.dropIfEmpty(dst.id);
			throw asApiError(e);
		}
		for (const m of plan.manifests) {
			try {
				await manifests.put(
					dst,
					m.tag ?? m.a.digest,
					m.body,
					m.a.manifest_media_type,
				);
			} catch (e) {
				throw asApiError(e);
			}
		}
	}

	async function refuseImmutable(
		repo: RepositoryRef,
		tag: string,
		verb: "overwritten" | "deleted",
	) {
		if ((await guard.immutableTags(repo.projectId))?.(repo.name, tag))
			throw asApiError(new ImmutableTagError(repo.name, tag, verb));
	}

	return {
		present,
		resolve,

		async list(
			scope: ArtifactScope,
			opts: ArtifactListOptions,
			flags: PresentFlags,
		) {
			const { rows, total } = await store.list(scope, opts);
			return { items: await present(rows, flags), total };
		},

		async get(repo: RepositoryRef, reference: string, flags: PresentFlags) {
			const a = await resolve(repo, reference);
			const row = await store.byId(a.id);
			if (!row) throw notFound(`artifact ${reference} not found`);
			return (await present([row], flags))[0];
		},

		/** Deletes the artifact and its accessories; refused (412) while an index references it. */
		async remove(
			repo: RepositoryRef,
			project: string,
			reference: string,
			operator: string,
		) {
			const a = await resolve(repo, reference);
			const cosignSignatures = (
				await store.accessoriesOf([{ repositoryId: repo.id, digest: a.digest }])
			).filter((x) => x.cosignTag);
			try {
				await manifests.delete(repo, a.digest);
			} catch (e) {
				throw asApiError(e);
			}
			// The core deletes referrers by `subject`; signatures found by cosign's tag convention go here.
			for (const sig of cosignSignatures)
				await manifests.delete(repo, sig.digest).catch(() => {
					/* still referenced: it stays */
				});
			audit.record({
				project,
				operator,
				resource: `${repo.name}@${a.digest}`,
				resourceType: "artifact",
				operation: "delete",
			});
			deps.events?.emit({
				type: "delete",
				project,
				repository: repo.name,
				digest: a.digest,
				tags: [],
				operator,
			});
		},

		/**
		 * Copies an artifact (an index with its children, and its accessories) into a repository, created if need be.
		 * Returns the digest.
		 */
		async copy(
			source: { repo: RepositoryRef; reference: string; tag: string | null },
			target: { projectId: number; project: string; name: string },
			operator: string,
		) {
			try {
				parseRepositoryName(target.name);
			} catch {
				throw badRequest(`invalid repository name: ${target.name}`);
			}
			const a = await resolve(source.repo, source.reference);
			const plan: CopyPlan = { blobs: new Map(), manifests: [] };
			await planCopy(source.repo, a, source.tag, plan);
			for (const acc of await store.accessoriesOf([
				{ repositoryId: source.repo.id, digest: a.digest },
			])) {
				const row = await registry.findArtifact(source.repo.id, acc.digest);
				if (row)
					await planCopy(
						source.repo,
						row,
						acc.cosignTag ? cosignTagOf(a.digest) : null,
						plan,
					);
			}
			await refuseMovingImmutable(target, plan);
			await runCopy(target, plan);
			audit.record({
				project: target.project,
				operator,
				resource: `${target.name}${source.tag ? `:${source.tag}` : `@${a.digest}`}`,
				resourceType: "artifact",
				operation: "create",
			});
			deps.events?.emit({
				type: "push",
				project: target.project,
				repository: target.name,
				digest: a.digest,
				tags: source.tag ? [source.tag] : [],
				operator,
			});
			return a.digest;
		},

		// ---- tags
		async tags(
			repo: RepositoryRef,
			artifact: ArtifactRow,
			q: Parameters<ArtifactStore["tagPage"]>[1],
			sort: Parameters<ArtifactStore["tagPage"]>[2],
			limit: number,
			offset: number,
		) {
			const { rows, total } = await store.tagPage(
				artifact.id,
				q,
				sort,
				limit,
				offset,
			);
			const immutable = await guard.immutableTags(repo.projectId);
			return {
				items: rows.map((t) =>
					tagJson({ ...t, immutable: !!immutable?.(repo.name, t.name) }),
				),
				total,
			};
		},

		async createTag(
			repo: RepositoryRef,
			project: string,
			artifact: ArtifactRow,
			name: string,
			operator: string,
		) {
			if (!isTag(name))
				throw badRequest(`invalid tag name: ${name.slice(0, 200)}`);
			const conflict = () =>
				new ApiError(
					"CONFLICT",
					`the tag ${name} already exists in ${repo.name}`,
				);
			const existing = await store.findTag(repo.id, name);
			if (existing) {
				if (existing.artifact_id !== artifact.id)
					await refuseImmutable(repo, name, "overwritten");
				throw conflict();
			}
			try {
				await store.createTag(repo.id, artifact.id, name, now());
			} catch (e) {
				if (isUniqueViolation(e)) throw conflict();
				throw e;
			}
			audit.record({
				project,
				operator,
				resource: `${repo.name}:${name}`,
				resourceType: "tag",
				operation: "create",
			});
		},

		async deleteTag(
			repo: RepositoryRef,
			project: string,
			artifact: ArtifactRow,
			name: string,
			operator: string,
		) {
			const tag = await store.findTag(repo.id, name);
			if (!tag || tag.artifact_id !== artifact.id)
				throw notFound(
					`tag ${name} not found on ${repo.name}@${artifact.digest}`,
				);
			await refuseImmutable(repo, name, "deleted");
			await registry.deleteTag(repo.id, name);
			audit.record({
				project,
				operator,
				resource: `${repo.name}:${name}`,
				resourceType: "tag",
				operation: "delete",
			});
		},

		// ---- labels
		async addLabel(artifact: ArtifactRow, labelId: number) {
			const label = await deps.labels.byId(labelId);
			if (!label) throw notFound(`label ${labelId} not found`);
			// Another project's label is answered as missing: saying it exists would tell who may not see it that it does.
			if (label.scope === "p" && label.project_id !== artifact.project_id)
				throw notFound(`label ${labelId} not found`);
			try {
				await store.attachLabel(artifact.id, labelId, now());
			} catch (e) {
				if (isUniqueViolation(e))
					throw new ApiError(
						"CONFLICT",
						`label ${labelId} is already added to the artifact`,
					);
				throw e;
			}
		},

		async removeLabel(artifact: ArtifactRow, labelId: number) {
			if (!(await store.detachLabel(artifact.id, labelId)))
				throw notFound(`label ${labelId} is not added to the artifact`);
		},

		// ---- accessories and additions
		async accessories(
			repo: RepositoryRef,
			artifact: ArtifactRow,
			limit: number,
			offset: number,
		) {
			const { rows, total } = await store.accessoryPage(
				repo.id,
				artifact.digest,
				limit,
				offset,
			);
			const subject = {
				id: artifact.id,
				digest: artifact.digest,
				repositoryName: repo.name,
			};
			return {
				items: rows.map((a) =>
					accessoryJson(a, subject, a.subject_digest !== artifact.digest),
				),
				total,
			};
		},

		async addition(artifact: ArtifactRow, name: string): Promise<Addition> {
			if (!additionsOf(artifact).includes(name))
				throw notFound(
					`addition ${name} is not available for this ${artifact.type.toLowerCase()} artifact`,
				);
			const d = await details.of(artifact);
			if (name === "build_history") {
				return {
					contentType: "application/json; charset=utf-8",
					body: JSON.stringify(d.config ? await details.history(d.config) : []),
				};
			}
			const extract = d.contentLayer
				? await charts.of(d.contentLayer)
				: { files: new Map<ChartFile, string>() };
			if ("tooLarge" in extract) {
				throw new ApiError(
					"UNPROCESSABLE_ENTITY",
					`the chart expands to more than ${extract.tooLarge} bytes: its files are not read`,
				);
			}
			const { files } = extract;
			if (name === "dependencies")
				return {
					contentType: "application/json; charset=utf-8",
					body: JSON.stringify(chartDependencies(files)),
				};
			return {
				contentType:
					name === "readme.md"
						? "text/markdown; charset=utf-8"
						: "text/plain; charset=utf-8",
				body: files.get(name as ChartFile) ?? "",
			};
		},
	};
}

/** The core's registry errors as Harbor's API errors (412 for a manifest an index still references). */
function asApiError(e: unknown): unknown {
	if (!(e instanceof RegistryError)) return e;
	// Harbor answers a tag an immutable rule protects with 412 on its API.
	if (e instanceof ImmutableTagError || e.status === 412)
		return new ApiError("PRECONDITION", e.message);
	if (e.status === 404) return notFound(e.message);
	if (e.status === 403) return new ApiError("FORBIDDEN", e.message);
	if (e.status === 413)
		return new ApiError("REQUEST_ENTITY_TOO_LARGE", e.message);
	if (e.status >= 400 && e.status < 500) return badRequest(e.message);
	return e;
}

export type ArtifactService = ReturnType<typeof createArtifactService>;
