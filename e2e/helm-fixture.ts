import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { helmChart } from "../bff/test/api-fixtures.ts";

const helmConfigType = "application/vnd.cncf.helm.config.v1+json";
const helmLayerType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

export type ChartFiles = {
	name: string;
	version: string;
	readme: string;
	values: string;
	annotations?: Record<string, string>;
};

async function writeBlob(dir: string, data: Buffer) {
	const hex = createHash("sha256").update(data).digest("hex");
	await writeFile(path.join(dir, "blobs", "sha256", hex), data);
	return { digest: `sha256:${hex}`, size: data.length };
}

/**
 * A Helm chart as `helm push` stores it, written as an OCI layout for skopeo: the config is Chart.yaml's fields as
 * JSON, the one layer the packaged chart (`<name>/Chart.yaml`, `values.yaml`, `README.md`); `annotations` go on the
 * manifest. Returns the manifest's digest.
 */
export async function makeHelmChartLayout(
	dir: string,
	c: ChartFiles,
): Promise<{ digest: string }> {
	await mkdir(path.join(dir, "blobs", "sha256"), { recursive: true });
	await writeFile(
		path.join(dir, "oci-layout"),
		JSON.stringify({ imageLayoutVersion: "1.0.0" }),
	);
	const chartYaml = `apiVersion: v2\nname: ${c.name}\nversion: ${c.version}\nappVersion: "1.0"\ndescription: A demo chart\n`;
	const tgz = await helmChart(c.name, {
		"Chart.yaml": chartYaml,
		"values.yaml": c.values,
		"README.md": c.readme,
	});
	const config = await writeBlob(
		dir,
		Buffer.from(
			JSON.stringify({
				apiVersion: "v2",
				name: c.name,
				version: c.version,
				appVersion: "1.0",
				description: "A demo chart",
			}),
		),
	);
	const layer = await writeBlob(dir, tgz);
	const manifest = {
		schemaVersion: 2,
		mediaType: "application/vnd.oci.image.manifest.v1+json",
		config: { mediaType: helmConfigType, ...config },
		layers: [{ mediaType: helmLayerType, ...layer }],
		...(c.annotations ? { annotations: c.annotations } : {}),
	};
	const m = await writeBlob(dir, Buffer.from(JSON.stringify(manifest)));
	await writeFile(
		path.join(dir, "index.json"),
		JSON.stringify({
			schemaVersion: 2,
			manifests: [{ mediaType: manifest.mediaType, ...m }],
		}),
	);
	return { digest: m.digest };
}
