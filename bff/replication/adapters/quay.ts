import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** `quay`: quay.io or a Quay install; the credential is a robot account (`org+name`) and its token. */
export const quay: AdapterType = {
	type: "quay",
	info: {
		description: "Registry adapter for Quay",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: standardPattern,
	create: (endpoint) => v2Adapter(endpoint),
};
