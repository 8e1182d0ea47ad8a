import type { AdapterType } from "./adapter.ts";
import { awsEcr, type EcrSettings } from "./aws-ecr.ts";
import { azureAcr } from "./azure-acr.ts";
import { type DockerHubUrls, dockerHub } from "./docker-hub.ts";
import { dockerRegistry } from "./docker-registry.ts";
import { githubGhcr } from "./github-ghcr.ts";
import { gitlab } from "./gitlab.ts";
import { googleGcr } from "./google-gcr.ts";
import { harbor } from "./harbor.ts";
import { jfrogArtifactory } from "./jfrog-artifactory.ts";
import { quay } from "./quay.ts";

export type AdapterSettings = {
	dockerHub?: DockerHubUrls;
	awsEcr?: EcrSettings;
};

/** The registry types Wharf speaks to, by Harbor's type names (Harbor's proxy-cache list). */
export function adapterTypes(
	settings: AdapterSettings = {},
): Map<string, AdapterType> {
	const types = [
		harbor,
		dockerRegistry,
		dockerHub(settings.dockerHub),
		githubGhcr,
		quay,
		gitlab,
		googleGcr,
		azureAcr,
		jfrogArtifactory,
		awsEcr(settings.awsEcr),
	];
	return new Map(types.map((t) => [t.type, t]));
}
