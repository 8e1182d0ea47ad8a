import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
	artifactKeys,
	artifactPath,
	refreshArtifact,
	vulnerabilityMime,
} from "./artifacts.ts";
import { api } from "./client.ts";

/** Harbor's severities, worst first (a report may say Negligible or None too: shown as Unknown). */
export const severities = [
	"Critical",
	"High",
	"Medium",
	"Low",
	"Unknown",
] as const;
export type Severity = (typeof severities)[number];

/** A severity as Wharf ranks it: Harbor's name whatever its case, anything else Unknown. */
export const severityOf = (s: string | undefined): Severity =>
	severities.find((x) => x.toLowerCase() === (s ?? "").toLowerCase()) ??
	"Unknown";

/** One finding of Harbor's vulnerability report. */
export type Vulnerability = {
	id: string;
	package: string;
	version: string;
	fix_version?: string;
	severity: string;
	description?: string;
	links?: string[];
};

/** The artifact's scan report and log under its repository's key, by report: a new scan is a new report. */
export const scanKeys = {
	vulnerabilities: (
		project: string,
		repo: string,
		digest: string,
		reportId: string,
	) =>
		[
			...artifactKeys.repository(project, repo),
			"scan",
			digest,
			reportId,
			"vulnerabilities",
		] as const,
	log: (project: string, repo: string, digest: string, reportId: string) =>
		[
			...artifactKeys.repository(project, repo),
			"scan",
			digest,
			reportId,
			"log",
		] as const,
};

/** The vulnerabilities of the artifact's last successful scan (none when the report holds none). */
export const getVulnerabilities = async (
	project: string,
	repo: string,
	digest: string,
) => {
	const reports = await api.get<
		Record<string, { vulnerabilities?: Vulnerability[] | null }>
	>(`${artifactPath(project, repo, digest)}/additions/vulnerabilities`);
	return reports[vulnerabilityMime]?.vulnerabilities ?? [];
};

/** Read once the scan `reportId` has succeeded; it never changes after. */
export const useVulnerabilities = (
	project: string,
	repo: string,
	digest: string,
	reportId: string,
	enabled: boolean,
) =>
	useQuery({
		queryKey: scanKeys.vulnerabilities(project, repo, digest, reportId),
		queryFn: () => getVulnerabilities(project, repo, digest),
		enabled,
		staleTime: Infinity,
	});

/** What happened to a scan, in the scanner's and Wharf's words; asked again while it runs. */
export const useScanLog = (
	project: string,
	repo: string,
	digest: string,
	reportId: string,
	o: { live: boolean; enabled: boolean },
) =>
	useQuery({
		queryKey: scanKeys.log(project, repo, digest, reportId),
		queryFn: () =>
			api.text(
				`${artifactPath(project, repo, digest)}/scan/${encodeURIComponent(reportId)}/log`,
			),
		refetchInterval: o.live ? 2000 : false,
		enabled: o.enabled,
	});

export const scanArtifact = (project: string, repo: string, digest: string) =>
	api.send("POST", `${artifactPath(project, repo, digest)}/scan`);
export const stopScan = (project: string, repo: string, digest: string) =>
	api.send("POST", `${artifactPath(project, repo, digest)}/scan/stop`);

/** Scan now, or stop: the repository's lists, details and platform lists show the new status (and keep asking while it runs). */
function useScanMutation(
	project: string,
	repo: string,
	fn: (project: string, repo: string, digest: string) => Promise<unknown>,
) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: (digest: string) => fn(project, repo, digest),
		// An index's platform list shows its children's scans too.
		onSuccess: (_, digest) =>
			Promise.all([
				refreshArtifact(qc, project, repo, digest),
				qc.invalidateQueries({
					queryKey: artifactKeys.byDigests(project, repo),
				}),
			]),
	});
}

export const useScanArtifact = (project: string, repo: string) =>
	useScanMutation(project, repo, scanArtifact);
export const useStopScan = (project: string, repo: string) =>
	useScanMutation(project, repo, stopScan);
