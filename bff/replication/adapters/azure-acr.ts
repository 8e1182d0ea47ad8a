import { type AdapterType, nameAndTag, standardPattern } from "./adapter.ts";
import { v2Adapter } from "./docker-registry.ts";

/** `azure-acr`: an Azure Container Registry (`<name>.azurecr.io`); the credential is a service principal or token. */
export const azureAcr: AdapterType = {
	type: "azure-acr",
	info: {
		description: "Registry adapter for Azure Container Registry",
		supported_resource_filters: nameAndTag,
		supported_triggers: ["manual", "scheduled"],
		supported_copy_by_chunk: false,
	},
	pattern: standardPattern,
	create: (endpoint) => v2Adapter(endpoint),
};
