import type { V2Client, V2Endpoint } from "../v2-client.ts";

/** Harbor's RegistryInfo: what a replication rule may filter on and how it may start, per adapter. */
export type FilterStyle = {
	type: "name" | "tag" | "label" | "resource";
	style: "input" | "radio" | "list";
	values?: string[];
};
export type RegistryInfo = {
	type: string;
	description: string;
	supported_resource_filters: FilterStyle[];
	supported_triggers: ("manual" | "scheduled" | "event_based")[];
	supported_copy_by_chunk: boolean;
};

/** Harbor's AdapterPattern, the console's hints for the endpoint URL and the credential fields. */
export type AdapterPattern = {
	endpoint_pattern: {
		endpoint_type:
			| "EndpointPatternTypeStandard"
			| "EndpointPatternTypeFix"
			| "EndpointPatternTypeList";
		endpoints: { key: string; value: string }[];
	};
	credential_pattern: {
		access_key_type: "AccessKeyTypeStandard" | "AccessKeyTypeFix";
		access_key_data: string;
		access_secret_type: "AccessSecretTypePass" | "AccessSecretTypeFile";
		access_secret_data: string;
	};
};

/** An endpoint as an adapter is given it: its saved fields with the secret opened. */
export type AdapterEndpoint = Omit<V2Endpoint, "url"> & { url: string };

/** A live adapter for one endpoint: its v2 client, a ping, and the repositories it can list. */
export type Adapter = {
	/** The endpoint's v2 client (async: some registries' address is known only once a token is had, as ECR's). */
	client(): Promise<V2Client>;
	/** Resolves when the remote is reachable and accepts the credentials; throws a V2Error saying why not. */
	ping(): Promise<void>;
	/** Repository names, or null when the remote cannot list them (no `_catalog`). */
	repositories(): Promise<string[] | null>;
	close(): Promise<void>;
};

/** One registry type: how it is described to the console and how an adapter for an endpoint is made. */
export type AdapterType = {
	type: string;
	info: Omit<RegistryInfo, "type">;
	pattern: AdapterPattern;
	create(endpoint: AdapterEndpoint): Adapter;
};

export const standardPattern: AdapterPattern = {
	endpoint_pattern: {
		endpoint_type: "EndpointPatternTypeStandard",
		endpoints: [],
	},
	credential_pattern: {
		access_key_type: "AccessKeyTypeStandard",
		access_key_data: "",
		access_secret_type: "AccessSecretTypePass",
		access_secret_data: "",
	},
};

export const nameAndTag: FilterStyle[] = [
	{ type: "name", style: "input" },
	{ type: "tag", style: "input" },
];
