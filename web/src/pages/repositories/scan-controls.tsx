import { useTranslation } from "react-i18next";
import { type Artifact, scanLive, scanOf } from "../../api/artifacts.ts";
import { useProjectPermissions } from "../../api/permissions.ts";
import { useScanArtifact, useStopScan } from "../../api/scans.ts";
import { Button } from "../../components/button.tsx";
import { ErrorMessage } from "../../components/error-message.tsx";
import { shortDigest } from "../../components/format.ts";
import { named } from "../../components/named.tsx";

/**
 * What a scanner takes: images, an index as a whole (the scanner is given the index) as well as each of its platforms
 * (from its own page; the index's platform list shows their scans); charts and other artifacts are not scanned.
 */
export const scannable = (a: Artifact) => a.type === "IMAGE";

/**
 * "Scan" (or "Scan again"), and "Stop" while a scan is queued or running, for those the project lets scan; the
 * server's refusal (no scanner registered) in its words under them. Nothing for those who may only read results.
 */
export function ScanControls({
	project,
	repo,
	projectId,
	artifact,
	small,
}: {
	project: string;
	repo: string;
	projectId: number | undefined;
	artifact: Artifact;
	small?: boolean;
}) {
	const { t } = useTranslation();
	const perms = useProjectPermissions(projectId);
	const scan = useScanArtifact(project, repo);
	const stop = useStopScan(project, repo);
	const s = scanOf(artifact);
	const live = scanLive(s);
	const size = small ? "px-2! py-0.5! text-xs" : "";
	const name = shortDigest(artifact.digest);
	if (!scannable(artifact)) return null;
	return (
		<div>
			<div className="flex flex-wrap gap-1">
				{!live && perms.can("scan", "create") && (
					<Button
						variant="secondary"
						className={size}
						disabled={scan.isPending}
						onClick={() => {
							stop.reset();
							scan.mutate(artifact.digest);
						}}
					>
						{named(s ? t("scanning.scanAgain") : t("scanning.scan"), name)}
					</Button>
				)}
				{live && perms.can("scan", "stop") && (
					<Button
						variant="secondary"
						className={size}
						disabled={stop.isPending}
						onClick={() => {
							scan.reset();
							stop.mutate(artifact.digest);
						}}
					>
						{named(t("scanning.stop"), name)}
					</Button>
				)}
			</div>
			<ErrorMessage error={scan.error ?? stop.error} />
		</div>
	);
}
