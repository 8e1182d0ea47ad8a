export const mediaTypes = {
	ociManifest: "application/vnd.oci.image.manifest.v1+json",
	ociIndex: "application/vnd.oci.image.index.v1+json",
	dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
	dockerList: "application/vnd.docker.distribution.manifest.list.v2+json",
	dockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
	dockerSchema1Signed:
		"application/vnd.docker.distribution.manifest.v1+prettyjws",
	ociEmpty: "application/vnd.oci.empty.v1+json",
	helmConfig: "application/vnd.cncf.helm.config.v1+json",
	cnabManifest: "application/vnd.cnab.manifest.v1",
	wasmConfig: "application/vnd.wasm.config.v1+json",
	harborSbom: "application/vnd.goharbor.harbor.sbom.v1",
	cosignSignature: "application/vnd.dev.cosign.simplesigning.v1+json",
	notationSignature: "application/vnd.cncf.notary.signature",
} as const;

export const isIndexType = (t: string) =>
	t === mediaTypes.ociIndex || t === mediaTypes.dockerList;
export const manifestTypes: readonly string[] = [
	mediaTypes.ociManifest,
	mediaTypes.ociIndex,
	mediaTypes.dockerManifest,
	mediaTypes.dockerList,
];

/** Harbor's artifact `type`, from what the manifest says it carries. */
export function artifactKind(
	configMediaType: string,
	artifactType: string | null,
): string {
	const t = artifactType ?? configMediaType;
	if (t === mediaTypes.helmConfig) return "CHART";
	if (t === mediaTypes.cnabManifest || t.startsWith("application/vnd.cnab"))
		return "CNAB";
	if (t === mediaTypes.wasmConfig) return "WASM";
	if (t === mediaTypes.harborSbom || /spdx|cyclonedx/.test(t)) return "SBOM";
	if (t === mediaTypes.cosignSignature || t === mediaTypes.notationSignature)
		return "SIGNATURE";
	if (
		t === "application/vnd.oci.image.config.v1+json" ||
		t === "application/vnd.docker.container.image.v1+json"
	)
		return "IMAGE";
	if (isIndexType(t)) return "IMAGE";
	return "UNKNOWN";
}
