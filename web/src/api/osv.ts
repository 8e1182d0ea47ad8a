import {
	queryOptions,
	useMutation,
	useQuery,
	useQueryClient,
} from "@tanstack/react-query";
import { api } from "./client.ts";

/** One import into the built-in scanner's OSV database: by hand (an upload, the command) or by the scheduled download. */
export type OsvImport = {
	id: number;
	source: string;
	status: "Running" | "Success" | "Error";
	read: number;
	changed: number;
	message: string;
	start_time: string;
	end_time: string | null;
};

/** GET /api/v2.0/system/osv (beyond Harbor): the database's size and age, where downloads come from, recent imports. */
export type OsvStatus = {
	advisories: number;
	newest_modified: string | null;
	updated_at: string | null;
	source_url: string;
	ecosystems: string[];
	schedule: { cron: string; next_run: string } | null;
	imports: OsvImport[];
};

export const osvKeys = { all: ["osv"] as const };

export const osvQuery = () =>
	queryOptions({
		queryKey: osvKeys.all,
		queryFn: () => api.get<OsvStatus>("/api/v2.0/system/osv"),
	});
export const useOsvStatus = () => useQuery(osvQuery());

/** Imports a zip of OSV advisories (OSV's `<ecosystem>/all.zip`) given by hand; a refused one is recorded too, so the
 * status is asked again either way. */
export function useImportOsvZip() {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (file: File) =>
			api.send<{ id: number; read: number; changed: number }>(
				"POST",
				"/api/v2.0/system/osv/imports",
				file,
			),
		onSettled: () => qc.invalidateQueries({ queryKey: osvKeys.all }),
	});
}
