import { isIndexType, mediaTypes } from "../../core/media-types.ts";
import { iconOf } from "../icons/icons.ts";
import { labelJson } from "../labels/service.ts";
import type { LabelRow } from "../labels/store.ts";
import { encodeRepositoryName } from "../repositories/repository-path.ts";
import type { ManifestDetails } from "./manifest-details.ts";
import type { ArtifactListRow } from "./store.ts";

/** Harbor writes a time never set (an artifact never pulled) as Go's zero time. */
export const zeroTime = "0001-01-01T00:00:00.000Z";

const parseJson = (s: string | null): unknown => {
	if (!s) return undefined;
	try {
		return JSON.parse(s);
	} catch {
		return undefined;
	}
};

/** `immutable`: an enabled immutable tag rule protects the tag (false when not worked out). */
export type TagRow = {
	id: number;
	repository_id: number;
	artifact_id: number;
	name: string;
	push_time: string;
	pull_time: string | null;
	immutable?: boolean;
};
export const tagJson = (t: TagRow) => ({
	id: t.id,
	repository_id: t.repository_id,
	artifact_id: t.artifact_id,
	name: t.name,
	push_time: t.push_time,
	pull_time: t.pull_time ?? zeroTime,
	immutable: t.immutable ?? false,
});

export type AccessoryRow = {
	id: number;
	repository_id: number;
	digest: string;
	size: number;
	media_type: string;
	artifact_type: string | null;
	push_time: string;
};

/** Harbor's accessory types, from what the accessory carries; a cosign tag-convention signature is cosign's. */
export function accessoryType(
	a: Pick<AccessoryRow, "media_type" | "artifact_type">,
	cosignTag = false,
): string {
	const t = a.artifact_type ?? a.media_type;
	if (
		cosignTag ||
		t === mediaTypes.cosignSignature ||
		t === "application/vnd.dev.cosign.artifact.sig.v1+json"
	)
		return "signature.cosign";
	if (t === mediaTypes.notationSignature) return "signature.notation";
	if (t === mediaTypes.harborSbom) return "sbom.harbor";
	if (/nydus/.test(t)) return "accelerator.nydus";
	return "subject.accessory";
}

/** An accessory's icon: Harbor's accessory types are `signature.*`, `sbom.*` and others. */
const accessoryIcon = (type: string) =>
	iconOf(
		type.startsWith("signature")
			? "SIGNATURE"
			: type.startsWith("sbom")
				? "SBOM"
				: "UNKNOWN",
	);

export function accessoryJson(
	a: AccessoryRow,
	subject: { id: number; digest: string; repositoryName: string },
	cosignTag = false,
) {
	const type = accessoryType(a, cosignTag);
	return {
		id: a.id,
		artifact_id: a.id,
		subject_artifact_id: subject.id,
		subject_artifact_digest: subject.digest,
		subject_artifact_repo: subject.repositoryName,
		size: Number(a.size),
		digest: a.digest,
		type,
		icon: accessoryIcon(type),
		creation_time: a.push_time,
	};
}

export type ReferenceRow = {
	parent_id: number;
	child_id: number;
	child_digest: string;
	platform: string | null;
	annotations: string | null;
};

/** Which additions an artifact offers, by its type (Harbor's processors). */
export function additionsOf(
	a: Pick<ArtifactListRow, "type" | "manifest_media_type">,
): string[] {
	if (a.type === "CHART") return ["values.yaml", "readme.md", "dependencies"];
	if (a.type === "IMAGE")
		return isIndexType(a.manifest_media_type)
			? ["vulnerabilities"]
			: ["build_history", "vulnerabilities"];
	return [];
}

export type ArtifactExtras = {
	details: ManifestDetails;
	/** Bytes of the config, layers and children on top of the manifest itself. */
	contentSize: number;
	references: ReferenceRow[];
	tags?: TagRow[];
	labels?: LabelRow[];
	accessories?: ReturnType<typeof accessoryJson>[];
	inheritedAccessories?: ReturnType<typeof accessoryJson>[];
	/** Harbor's scan_overview (by report mime type), when asked for and the artifact has a scan. */
	scanOverview?: Record<string, unknown>;
};

/** The `Artifact` model as Harbor writes it. Tags, labels, accessories and scan overviews appear when asked for. */
export function artifactJson(a: ArtifactListRow, x: ArtifactExtras) {
	const [project, ...rest] = a.repository_name.split("/");
	const base = `/api/v2.0/projects/${project}/repositories/${encodeRepositoryName(rest.join("/"))}/artifacts/${a.digest}/additions`;
	const position = (d: string) => {
		const i = x.details.childOrder.indexOf(d);
		return i < 0 ? Number.MAX_SAFE_INTEGER : i;
	};
	const references = [...x.references]
		.sort((p, q) => position(p.child_digest) - position(q.child_digest))
		.map((r) => {
			const urls = x.details.childUrls[r.child_digest];
			return {
				parent_id: r.parent_id,
				child_id: r.child_id,
				child_digest: r.child_digest,
				...(r.platform ? { platform: parseJson(r.platform) } : {}),
				...(r.annotations ? { annotations: parseJson(r.annotations) } : {}),
				...(urls ? { urls } : {}),
			};
		});
	return {
		id: a.id,
		type: a.type,
		media_type: a.media_type,
		manifest_media_type: a.manifest_media_type,
		artifact_type: a.artifact_type ?? a.media_type,
		project_id: a.project_id,
		repository_id: a.repository_id,
		repository_name: a.repository_name,
		digest: a.digest,
		size: Number(a.size) + x.contentSize,
		icon: iconOf(a.type),
		push_time: a.push_time,
		pull_time: a.pull_time ?? zeroTime,
		extra_attrs: x.details.extraAttrs,
		annotations:
			(parseJson(a.annotations) as Record<string, string> | undefined) ?? {},
		...(references.length ? { references } : {}),
		...(x.tags ? { tags: x.tags.map(tagJson) } : {}),
		...(x.labels ? { labels: x.labels.map(labelJson) } : {}),
		...(x.accessories ? { accessories: x.accessories } : {}),
		...(x.inheritedAccessories
			? { inherited_accessories: x.inheritedAccessories }
			: {}),
		...(x.scanOverview ? { scan_overview: x.scanOverview } : {}),
		addition_links: Object.fromEntries(
			additionsOf(a).map((name) => [
				name,
				{ href: `${base}/${name}`, absolute: false },
			]),
		),
	};
}
