import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** `gitlab`: a GitLab container registry; the credential is a user (or deploy token name) and an access token. */
export const gitlab: AdapterType = {
	type: "gitlab",
	info: {
		description: "Registry adapter for GitLab",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: standardPattern,
	create: (endpoint) => v2Adapter(endpoint),
};
