import { z } from "zod";
import { parseDigest } from "./digest.ts";
import { RegistryError } from "./errors.ts";
import {
	artifactKind,
	isIndexType,
	manifestTypes,
	mediaTypes,
} from "./media-types.ts";

const descriptor = z.object({
	mediaType: z.string().min(1),
	digest: z.string(),
	size: z.number().int().nonnegative(),
	urls: z.array(z.string()).optional(),
	annotations: z.record(z.string(), z.string()).optional(),
	artifactType: z.string().optional(),
	platform: z
		.object({
			architecture: z.string(),
			os: z.string(),
			"os.version": z.string().optional(),
			"os.features": z.array(z.string()).optional(),
			variant: z.string().optional(),
			features: z.array(z.string()).optional(),
		})
		.optional(),
});

const imageManifest = z.object({
	schemaVersion: z.literal(2),
	mediaType: z.string().optional(),
	artifactType: z.string().optional(),
	config: descriptor,
	layers: z.array(descriptor),
	subject: descriptor.optional(),
	annotations: z.record(z.string(), z.string()).optional(),
});

const imageIndex = z.object({
	schemaVersion: z.literal(2),
	mediaType: z.string().optional(),
	artifactType: z.string().optional(),
	manifests: z.array(descriptor),
	subject: descriptor.optional(),
	annotations: z.record(z.string(), z.string()).optional(),
});

export type Descriptor = z.infer<typeof descriptor>;

/**
 * Most descriptors one manifest may list (config and layers, or an index's manifests). Images stop near 127 layers
 * (the overlay filesystem's limit) and indexes list tens of platforms; 4,096 leaves artifacts room and keeps one
 * push's bookkeeping bounded. The spec lets a registry refuse what it will not store (MANIFEST_INVALID).
 */
const maxDescriptors = 4096;

/**
 * Hosts foreign (non-distributable) layers may name in `urls`, when WHARF_FOREIGN_LAYER_HOSTS is unset: where
 * Microsoft serves the Windows base layers Docker marks foreign. `*.` matches any subdomain.
 */
export const defaultForeignLayerHosts = [
	"mcr.microsoft.com",
	"*.blob.core.windows.net",
	"go.microsoft.com",
];

export type ManifestRules = { foreignLayerHosts: string[] };

const hostAllowed = (host: string, patterns: string[]) =>
	patterns.some((p) => {
		const pattern = p.toLowerCase();
		return (
			pattern === "*" ||
			pattern === host ||
			(pattern.startsWith("*.") && host.endsWith(pattern.slice(1)))
		);
	});

/** A descriptor's `urls` must be http(s), carry no credentials, and name an allowed host. */
function checkUrls(ds: Descriptor[], rules: ManifestRules) {
	for (const d of ds) {
		for (const raw of d.urls ?? []) {
			let url: URL;
			try {
				url = new URL(raw);
			} catch {
				throw new RegistryError(
					"MANIFEST_INVALID",
					`invalid URL in urls of ${d.digest}`,
				);
			}
			if (url.protocol !== "https:" && url.protocol !== "http:") {
				throw new RegistryError(
					"MANIFEST_INVALID",
					`urls of ${d.digest} may only be http(s) URLs, not ${url.protocol}`,
				);
			}
			if (url.username || url.password)
				throw new RegistryError(
					"MANIFEST_INVALID",
					`urls of ${d.digest} may not carry credentials`,
				);
			const host = url.hostname.toLowerCase();
			if (!hostAllowed(host, rules.foreignLayerHosts)) {
				throw new RegistryError(
					"MANIFEST_INVALID",
					`foreign layers from ${host} are not allowed here (allowed: ${rules.foreignLayerHosts.join(", ") || "none"})`,
				);
			}
		}
	}
}

function checkCount(n: number, what: string) {
	if (n > maxDescriptors)
		throw new RegistryError(
			"MANIFEST_INVALID",
			`manifest lists ${n} ${what}; this registry accepts at most ${maxDescriptors}`,
		);
}

/** What the registry must know of a manifest: what it references and how it describes itself. */
export type ParsedManifest = {
	mediaType: string;
	configMediaType: string;
	artifactType: string | null;
	type: string;
	/** Blobs that must be linked in the repository (config and distributable layers). */
	blobs: string[];
	/** Manifests that must exist in the repository (index children). */
	children: Descriptor[];
	subject: Descriptor | null;
	annotations: Record<string, string> | null;
};

/** Parses and checks a pushed manifest; `contentType` is the request's Content-Type. */
export function parseManifest(
	body: Buffer,
	contentType: string | undefined,
	rules: ManifestRules = { foreignLayerHosts: defaultForeignLayerHosts },
): ParsedManifest {
	let json: unknown;
	try {
		json = JSON.parse(body.toString("utf8"));
	} catch {
		throw new RegistryError("MANIFEST_INVALID", "manifest is not valid JSON");
	}
	const declared = (json as { mediaType?: unknown })?.mediaType;
	const header = contentType?.split(";")[0].trim();
	const schemaVersion = (json as { schemaVersion?: unknown })?.schemaVersion;
	if (
		schemaVersion === 1 ||
		header === mediaTypes.dockerSchema1 ||
		header === mediaTypes.dockerSchema1Signed
	) {
		throw new RegistryError(
			"MANIFEST_INVALID",
			"Docker image manifest schema 1 is not supported: push with schema 2 or OCI",
			undefined,
			400,
		);
	}
	if (
		typeof declared === "string" &&
		header &&
		header !== declared &&
		manifestTypes.includes(header)
	) {
		throw new RegistryError(
			"MANIFEST_INVALID",
			`manifest mediaType ${declared} does not match Content-Type ${header}`,
		);
	}
	const mediaType =
		typeof declared === "string"
			? declared
			: header && manifestTypes.includes(header)
				? header
				: Array.isArray((json as { manifests?: unknown }).manifests)
					? mediaTypes.ociIndex
					: mediaTypes.ociManifest;
	if (!manifestTypes.includes(mediaType)) {
		throw new RegistryError(
			"MANIFEST_INVALID",
			`unsupported manifest media type: ${mediaType}`,
		);
	}

	const checkDigests = (ds: Descriptor[]) => {
		for (const d of ds) parseDigest(d.digest);
		checkUrls(ds, rules);
	};
	const listed = (key: string) => {
		const v = (json as Record<string, unknown> | null)?.[key];
		return Array.isArray(v) ? v.length : 0;
	};
	if (isIndexType(mediaType)) {
		checkCount(listed("manifests"), "manifests");
		const r = imageIndex.safeParse(json);
		if (!r.success) throw invalid(r.error);
		checkDigests([
			...r.data.manifests,
			...(r.data.subject ? [r.data.subject] : []),
		]);
		return {
			mediaType,
			configMediaType: mediaType,
			artifactType: r.data.artifactType ?? null,
			type: r.data.artifactType
				? artifactKind(r.data.artifactType, null)
				: "IMAGE",
			blobs: [],
			children: r.data.manifests,
			subject: r.data.subject ?? null,
			annotations: r.data.annotations ?? null,
		};
	}
	checkCount(listed("layers") + 1, "descriptors (config and layers)");
	const r = imageManifest.safeParse(json);
	if (!r.success) throw invalid(r.error);
	const m = r.data;
	checkDigests([m.config, ...m.layers, ...(m.subject ? [m.subject] : [])]);
	return {
		mediaType,
		configMediaType: m.config.mediaType,
		artifactType: m.artifactType ?? null,
		type: artifactKind(m.config.mediaType, m.artifactType ?? null),
		blobs: [
			...new Set([
				m.config.digest,
				...m.layers.filter((l) => !l.urls?.length).map((l) => l.digest),
			]),
		],
		children: [],
		subject: m.subject ?? null,
		annotations: m.annotations ?? null,
	};
}

function invalid(error: z.ZodError) {
	const first = error.issues[0];
	return new RegistryError(
		"MANIFEST_INVALID",
		`manifest invalid: ${first.path.join(".") || "(root)"}: ${first.message}`,
	);
}
