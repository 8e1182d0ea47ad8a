import { queryOptions, useMutation, useQuery } from "@tanstack/react-query";
import { api, harborQ, match, query } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { listQuery, type PageParams, pageQuery } from "./list-placeholder.ts";
import { z } from "./zod.ts";

/** Harbor's ScannerRegistration: the credential never comes back, only `*****` saying one is stored. */
export type Scanner = {
	uuid: string;
	name: string;
	description: string;
	url: string;
	disabled: boolean;
	is_default: boolean;
	auth: string;
	access_credential: string;
	skip_certVerify: boolean;
	use_internal_addr: boolean;
	create_time: string;
	update_time: string;
	adapter: string;
	vendor: string;
	version: string;
	/** Only on GET /scanners/{uuid}: whether the adapter answered just now. */
	health?: "healthy" | "unhealthy";
};

/** How the console asks the adapter to authenticate it: none, or one of Harbor's three. */
export const scannerAuths = [
	"",
	"Basic",
	"Bearer",
	"X-ScannerAdapter-API-Key",
] as const;
export type ScannerAuth = (typeof scannerAuths)[number];

export type ScannerListParams = PageParams & { name?: string };

export const scannerKeys = {
	all: ["scanners"] as const,
	list: (p: ScannerListParams) => ["scanners", "list", p] as const,
	detail: (uuid: string) => ["scanners", "detail", uuid] as const,
	project: (project: string) => ["scanners", "project", project] as const,
	candidates: (project: string) =>
		["scanners", "project", project, "candidates"] as const,
};

// ---- registrations (system admins)
export const getScanners = (p: ScannerListParams) =>
	api.page<Scanner>(
		`/api/v2.0/scanners${query({ ...pageQuery(p), q: harborQ({ name: match.fuzzy(p.name) }) })}`,
	);

export const scannersQuery = (p: ScannerListParams) =>
	listQuery(scannerKeys.list(p), () => getScanners(p), ["name"]);
export const useScanners = (p: ScannerListParams) => useQuery(scannersQuery(p));

/** One registration with its live `health` (the server asks the adapter): asked again each minute while shown. */
export const scannerQuery = (uuid: string) =>
	queryOptions({
		queryKey: scannerKeys.detail(uuid),
		queryFn: () =>
			api.get<Scanner>(`/api/v2.0/scanners/${encodeURIComponent(uuid)}`),
		staleTime: 30_000,
		refetchInterval: 60_000,
	});
export const useScanner = (uuid: string) => useQuery(scannerQuery(uuid));

/** What the registration form sends; an empty credential on edit keeps the stored one. */
export const scannerInput = z.object({
	name: z.string().trim().min(1).max(255),
	description: z.string().max(1024),
	url: z.string().trim().min(1),
	auth: z.enum(scannerAuths),
	access_credential: z.string().max(4096),
	skip_certVerify: z.boolean(),
	use_internal_addr: z.boolean(),
	disabled: z.boolean(),
});
export type ScannerInput = z.infer<typeof scannerInput>;

/** A registration as the form edits it (the credential left empty: typing one replaces the stored one). */
export const inputOf = (s: Scanner): ScannerInput => ({
	name: s.name,
	description: s.description,
	url: s.url,
	auth: (scannerAuths as readonly string[]).includes(s.auth)
		? (s.auth as ScannerAuth)
		: "",
	access_credential: "",
	skip_certVerify: s.skip_certVerify,
	use_internal_addr: s.use_internal_addr,
	disabled: s.disabled,
});

const bodyOf = (input: ScannerInput) => {
	const v = scannerInput.parse(input);
	return { ...v, access_credential: v.auth ? v.access_credential : "" };
};

export const createScanner = (input: ScannerInput) =>
	api.send("POST", "/api/v2.0/scanners", bodyOf(input));
export const updateScanner = (uuid: string, input: ScannerInput) =>
	api.send(
		"PUT",
		`/api/v2.0/scanners/${encodeURIComponent(uuid)}`,
		bodyOf(input),
	);
export const deleteScanner = (uuid: string) =>
	api.send("DELETE", `/api/v2.0/scanners/${encodeURIComponent(uuid)}`);
export const makeDefaultScanner = (uuid: string) =>
	api.send("PATCH", `/api/v2.0/scanners/${encodeURIComponent(uuid)}`, {
		is_default: true,
	});

/**
 * "Test connection": the adapter at the form's URL answers its metadata with the form's credential, or the server says
 * why not. On edit with no credential typed, the stored one is used (`uuid`).
 */
export const pingScanner = (v: { uuid?: string; input: ScannerInput }) => {
	const b = bodyOf(v.input);
	return api.send("POST", "/api/v2.0/scanners/ping", {
		...(v.uuid ? { uuid: v.uuid } : {}),
		name: b.name,
		url: b.url,
		auth: b.auth,
		access_credential: b.access_credential,
	});
};

const useScannerMutation = <V, R>(fn: (v: V) => Promise<R>) =>
	useInvalidatingMutation(fn, [scannerKeys.all]);

export const useCreateScanner = () => useScannerMutation(createScanner);
export const useUpdateScanner = () =>
	useScannerMutation((v: { uuid: string; input: ScannerInput }) =>
		updateScanner(v.uuid, v.input),
	);
export const useDeleteScanner = () => useScannerMutation(deleteScanner);
export const useMakeDefaultScanner = () =>
	useScannerMutation(makeDefaultScanner);
export const usePingScanner = () => useMutation({ mutationFn: pingScanner });

// ---- a project's scanner (read by members, chosen by its admins)

/** The project's scanner: its own choice, else the system default; `{}` when none is registered at all. */
export const projectScannerQuery = (project: string) =>
	queryOptions({
		queryKey: scannerKeys.project(project),
		queryFn: async () => {
			const s = await api.get<Scanner | Record<string, never>>(
				`/api/v2.0/projects/${encodeURIComponent(project)}/scanner`,
			);
			return "uuid" in s ? (s as Scanner) : null;
		},
	});
export const useProjectScanner = (project: string) =>
	useQuery(projectScannerQuery(project));

/** The enabled registrations a project may choose from (its admins only). */
export const useScannerCandidates = (project: string, enabled: boolean) =>
	useQuery({
		queryKey: scannerKeys.candidates(project),
		queryFn: () =>
			api.page<Scanner>(
				`/api/v2.0/projects/${encodeURIComponent(project)}/scanner/candidates${query({ page: 1, page_size: 100 })}`,
			),
		enabled,
	});

export const setProjectScanner = (project: string, uuid: string) =>
	api.send("PUT", `/api/v2.0/projects/${encodeURIComponent(project)}/scanner`, {
		uuid,
	});
export const useSetProjectScanner = (project: string) =>
	useInvalidatingMutation(
		(uuid: string) => setProjectScanner(project, uuid),
		[scannerKeys.project(project)],
	);
