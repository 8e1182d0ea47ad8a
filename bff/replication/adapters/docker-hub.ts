import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** Where Docker Hub answers: settings, so tests point the adapter at a local token-auth registry. */
export type DockerHubUrls = { hubUrl: string; registryUrl: string };
export const dockerHubDefaults: DockerHubUrls = {
	hubUrl: "https://hub.docker.com",
	registryUrl: "https://registry-1.docker.io",
};

/**
 * `docker-hub`: the endpoint is the Hub's URL, the images are at its registry. Ping and transfer use the registry's
 * token flow with the credential as basic auth, which personal and organization access tokens both support (an
 * organization token cannot log in to the Hub's API, where Harbor's adapter fails with "failed to ping endpoint").
 */
export function dockerHub(
	urls: DockerHubUrls = dockerHubDefaults,
): AdapterType {
	return {
		type: "docker-hub",
		info: {
			description: "Registry adapter for Docker Hub",
			supported_resource_filters: nameAndTag,
			supported_triggers: ["manual", "scheduled"],
			supported_copy_by_chunk: false,
		},
		pattern: {
			...standardPattern,
			endpoint_pattern: {
				endpoint_type: "EndpointPatternTypeFix",
				endpoints: [{ key: new URL(urls.hubUrl).host, value: urls.hubUrl }],
			},
		},
		create: (endpoint) => v2Adapter(endpoint, () => urls.registryUrl),
	};
}
