import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";
import { api, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams } from "./list-placeholder.ts";
import { z } from "./zod.ts";

/** Harbor's Registry: the secret never comes back, only `*****` saying one is saved. */
export type Registry = {
	id: number;
	name: string;
	url: string;
	type: string;
	description: string;
	insecure: boolean;
	ca_certificate?: string;
	credential: { type: string; access_key: string; access_secret?: string };
	status: "healthy" | "unhealthy" | "unknown";
	creation_time: string;
	update_time: string;
};

/** Harbor's AdapterPattern per type: the endpoint URL (free, fixed or one of a list) and the credential fields. */
export type AdapterPattern = {
	endpoint_pattern: {
		endpoint_type: string;
		endpoints: { key: string; value: string }[];
	};
	credential_pattern: {
		access_key_type: string;
		access_key_data: string;
		access_secret_type: string;
		access_secret_data: string;
	};
};

export const secretMask = "*****";

export type RegistryListParams = PageParams & { name?: string };

export const registryKeys = {
	all: ["registries"] as const,
	list: (p: RegistryListParams) => ["registries", "list", p] as const,
	adapters: ["registries", "adapters"] as const,
};

export const getRegistries = (p: RegistryListParams) =>
	api.page<Registry>(
		`/api/v2.0/registries${query({ page: p.page, page_size: p.pageSize, sort: p.sort, q: p.name ? `name=~"${p.name}"` : undefined })}`,
	);

export const registriesQuery = (p: RegistryListParams) =>
	listQuery(registryKeys.list(p), () => getRegistries(p), ["name"]);
export const useRegistries = (p: RegistryListParams) =>
	useQuery(registriesQuery(p));

/** The adapter types and their patterns, together: the form's type select and its URL and credential fields. */
export const adaptersQuery = () =>
	queryOptions({
		queryKey: registryKeys.adapters,
		queryFn: () =>
			api.get<Record<string, AdapterPattern>>(
				"/api/v2.0/replication/adapterinfos",
			),
		staleTime: Infinity,
	});
export const useAdapters = () => useQuery(adaptersQuery());

/** What the endpoint form sends; an empty secret on edit keeps the saved one. */
export const registryInput = z.object({
	name: z.string().trim().min(1).max(255),
	type: z.string().min(1),
	url: z.string().trim().min(1),
	description: z.string().max(1024),
	access_key: z.string().max(1024),
	access_secret: z.string().max(65536),
	insecure: z.boolean(),
	ca_certificate: z.string().max(65536),
});
export type RegistryInput = z.infer<typeof registryInput>;

export const createRegistry = (input: RegistryInput) => {
	const v = registryInput.parse(input);
	return api.send("POST", "/api/v2.0/registries", {
		name: v.name,
		type: v.type,
		url: v.url,
		description: v.description,
		insecure: v.insecure,
		ca_certificate: v.ca_certificate || null,
		credential: {
			type: "basic",
			access_key: v.access_key,
			access_secret: v.access_secret,
		},
	});
};

export const updateRegistry = (id: number, input: RegistryInput) => {
	const v = registryInput.parse(input);
	return api.send("PUT", `/api/v2.0/registries/${id}`, {
		name: v.name,
		url: v.url,
		description: v.description,
		insecure: v.insecure,
		ca_certificate: v.ca_certificate || null,
		credential_type: "basic",
		access_key: v.access_key,
		access_secret: v.access_secret || secretMask,
	});
};

export const deleteRegistry = (id: number) =>
	api.send("DELETE", `/api/v2.0/registries/${id}`);

/** "Test connection": the form's values, over the saved endpoint's (`id`) when editing, so the saved secret is used if none is typed. */
export const pingRegistry = (v: { id?: number; input: RegistryInput }) =>
	api.send("POST", "/api/v2.0/registries/ping", {
		...(v.id ? { id: v.id } : {}),
		type: v.input.type,
		url: v.input.url.trim(),
		insecure: v.input.insecure,
		ca_certificate: v.input.ca_certificate || null,
		credential_type: "basic",
		access_key: v.input.access_key,
		access_secret: v.input.access_secret || (v.id ? secretMask : ""),
	});

const useRegistryMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [registryKeys.all]);

export const useCreateRegistry = () => useRegistryMutation(createRegistry);
export const useUpdateRegistry = () =>
	useRegistryMutation((v: { id: number; input: RegistryInput }) =>
		updateRegistry(v.id, v.input),
	);
export const useDeleteRegistry = () => useRegistryMutation(deleteRegistry);
export const usePingRegistry = () => useMutation({ mutationFn: pingRegistry });
