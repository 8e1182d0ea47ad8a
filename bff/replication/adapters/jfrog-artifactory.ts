import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** `jfrog-artifactory`: Artifactory's Docker repositories through its v2 API; the credential is a user and API key. */
export const jfrogArtifactory: AdapterType = {
	type: "jfrog-artifactory",
	info: {
		description: "Registry adapter for JFrog Artifactory",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: standardPattern,
	create: (endpoint) => v2Adapter(endpoint),
};
