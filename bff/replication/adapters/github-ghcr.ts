import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** `github-ghcr`: GitHub's container registry; the credential is a user and a personal access token. */
export const githubGhcr: AdapterType = {
	type: "github-ghcr",
	info: {
		description: "Registry adapter for GitHub Container Registry",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: {
		...standardPattern,
		endpoint_pattern: {
			endpoint_type: "EndpointPatternTypeFix",
			endpoints: [{ key: "ghcr.io", value: "https://ghcr.io" }],
		},
	},
	create: (endpoint) => v2Adapter(endpoint),
};
