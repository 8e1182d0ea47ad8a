import { useTranslation } from "react-i18next";
import { useSystemInfo } from "../api/system-info.ts";
import { Dialog } from "../components/dialog.tsx";
import { paths } from "./paths.ts";

/** `v2.13.0-wharf-0.1.0` → the Harbor API release followed and Wharf's own version. */
export function readVersion(harborVersion: string | undefined) {
	const m = /^v?(\d+\.\d+(?:\.\d+)?)-wharf-(.+)$/.exec(harborVersion ?? "");
	return m ? { harbor: m[1], wharf: m[2] } : null;
}

const link = "text-[#0f4c81] underline dark:text-sky-300";

/** About Wharf: its version and build, the Harbor API release it follows, and where its API is described. */
export default function AboutDialog({ onClose }: { onClose: () => void }) {
	const { t } = useTranslation();
	const info = useSystemInfo();
	const version = readVersion(info.data?.harbor_version);
	return (
		<Dialog open title={t("about.title")} onClose={onClose}>
			<div className="space-y-3 text-sm">
				<p>{t("about.what")}</p>
				<dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
					<dt className="text-slate-600 dark:text-slate-300">
						{t("about.version")}
					</dt>
					<dd data-testid="about-version">
						{version?.wharf ?? info.data?.harbor_version ?? "—"}
					</dd>
					<dt className="text-slate-600 dark:text-slate-300">
						{t("about.build")}
					</dt>
					<dd data-testid="about-build" className="font-mono text-xs">
						{info.data?.harbor_version ?? "—"}
					</dd>
					<dt className="text-slate-600 dark:text-slate-300">
						{t("about.api")}
					</dt>
					<dd data-testid="about-api">
						{version
							? t("about.apiValue", { release: version.harbor })
							: "v2.0"}
					</dd>
				</dl>
				<ul className="list-disc space-y-1 pl-5">
					{/* A full load: the explorer is its own page, and a new tab keeps where the user was. */}
					<li>
						<a
							className={link}
							href={paths.apiExplorer.href()}
							target="_blank"
							rel="noreferrer"
						>
							{t("about.explorer")}
						</a>
					</li>
					<li>
						<a className={link} href={paths.swaggerFile}>
							{t("about.swagger")}
						</a>
					</li>
				</ul>
			</div>
		</Dialog>
	);
}
