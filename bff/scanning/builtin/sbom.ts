import { randomUUID } from "node:crypto";
import type { OsInfo, Package } from "./inventory.ts";

export const sbomMediaTypes = {
	spdx: "application/spdx+json",
	cyclonedx: "application/vnd.cyclonedx+json",
} as const;

type Subject = { repository: string; digest: string };
type Tool = { name: string; version: string };

/** A licence as SPDX may state it: an expression of identifiers, else nothing asserted. */
const spdxLicense = (l?: string) =>
	l && /^[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*$/.test(l)
		? l
		: undefined;

/** An SPDX 2.3 document: the image, and each package it contains with its purl and where it was found. */
export function spdxDocument(
	subject: Subject,
	packages: Package[],
	tool: Tool,
	os?: OsInfo,
) {
	const image = "SPDXRef-Image";
	const osRef = "SPDXRef-OperatingSystem";
	const ids = packages.map((_, i) => `SPDXRef-Package-${i + 1}`);
	return {
		spdxVersion: "SPDX-2.3",
		dataLicense: "CC0-1.0",
		SPDXID: "SPDXRef-DOCUMENT",
		name: `${subject.repository}@${subject.digest}`,
		documentNamespace: `https://wharf.invalid/spdx/${subject.repository}/${subject.digest}/${randomUUID()}`,
		creationInfo: {
			created: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
			creators: [`Tool: ${tool.name}-${tool.version}`, "Organization: Wharf"],
		},
		documentDescribes: [image],
		packages: [
			{
				SPDXID: image,
				name: subject.repository,
				versionInfo: subject.digest,
				downloadLocation: "NOASSERTION",
				filesAnalyzed: false,
				primaryPackagePurpose: "CONTAINER",
			},
			...(os
				? [
						{
							SPDXID: osRef,
							name: os.id,
							versionInfo: os.versionId,
							downloadLocation: "NOASSERTION",
							filesAnalyzed: false,
							primaryPackagePurpose: "OPERATING-SYSTEM",
						},
					]
				: []),
			...packages.map((p, i) => ({
				SPDXID: ids[i],
				name: p.name,
				versionInfo: p.version,
				downloadLocation: "NOASSERTION",
				filesAnalyzed: false,
				licenseConcluded: "NOASSERTION",
				licenseDeclared: spdxLicense(p.license) ?? "NOASSERTION",
				sourceInfo: `${p.ecosystem} package found in: /${p.path}`,
				externalRefs: [
					{
						referenceCategory: "PACKAGE-MANAGER",
						referenceType: "purl",
						referenceLocator: p.purl,
					},
				],
				primaryPackagePurpose: "LIBRARY",
			})),
		],
		relationships: [
			{
				spdxElementId: "SPDXRef-DOCUMENT",
				relationshipType: "DESCRIBES",
				relatedSpdxElement: image,
			},
			...(os
				? [
						{
							spdxElementId: image,
							relationshipType: "CONTAINS",
							relatedSpdxElement: osRef,
						},
					]
				: []),
			...ids.map((id) => ({
				spdxElementId: image,
				relationshipType: "CONTAINS",
				relatedSpdxElement: id,
			})),
		],
	};
}

/** A CycloneDX 1.5 BOM: the image as the subject component, its packages as components it depends on. */
export function cycloneDxDocument(
	subject: Subject,
	packages: Package[],
	tool: Tool,
	os?: OsInfo,
) {
	const refs = packages.map((_, i) => `pkg-${i + 1}`);
	return {
		$schema: "http://cyclonedx.org/schema/bom-1.5.schema.json",
		bomFormat: "CycloneDX",
		specVersion: "1.5",
		serialNumber: `urn:uuid:${randomUUID()}`,
		version: 1,
		metadata: {
			timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
			tools: {
				components: [
					{ type: "application", name: tool.name, version: tool.version },
				],
			},
			component: {
				"bom-ref": "image",
				type: "container",
				name: subject.repository,
				version: subject.digest,
			},
		},
		components: [
			...(os
				? [
						{
							"bom-ref": "os",
							type: "operating-system",
							name: os.id,
							version: os.versionId,
						},
					]
				: []),
			...packages.map((p, i) => ({
				"bom-ref": refs[i],
				type: "library",
				name: p.name,
				version: p.version,
				purl: p.purl,
				...(p.license
					? {
							licenses: spdxLicense(p.license)
								? [{ expression: p.license }]
								: [{ license: { name: p.license } }],
						}
					: {}),
				properties: [
					{ name: "wharf:ecosystem", value: p.ecosystem },
					{ name: "wharf:path", value: p.path },
				],
			})),
		],
		dependencies: [
			{ ref: "image", dependsOn: [...(os ? ["os"] : []), ...refs] },
		],
	};
}
