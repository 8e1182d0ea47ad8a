import { type AdapterType, nameAndTag } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

const hosts = ["gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io"];

/** `google-gcr`: Google's registries; the credential is a service account's JSON key, sent as user `_json_key`. */
export const googleGcr: AdapterType = {
	type: "google-gcr",
	info: {
		description: "Registry adapter for Google Container Registry",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: {
		endpoint_pattern: {
			endpoint_type: "EndpointPatternTypeList",
			endpoints: hosts.map((h) => ({ key: h, value: `https://${h}` })),
		},
		credential_pattern: {
			access_key_type: "AccessKeyTypeFix",
			access_key_data: "_json_key",
			access_secret_type: "AccessSecretTypeFile",
			access_secret_data: "No Change",
		},
	},
	create: (endpoint) => v2Adapter(endpoint),
};
