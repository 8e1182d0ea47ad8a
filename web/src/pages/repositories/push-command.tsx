import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useRegistryAddress } from "../../api/system-info.ts";
import { Button } from "../../components/button.tsx";
import { Dialog } from "../../components/dialog.tsx";
import { CommandLine } from "./pull-command.tsx";
import { type PushTool, pushCommands } from "./pull-commands.ts";

const tools: PushTool[] = ["docker", "podman", "helm", "oras"];

/** Harbor's "push command" helper: how to push into this project with docker, podman, helm and oras, each line copyable. */
export function PushCommandButton({ project }: { project: string }) {
	const { t } = useTranslation();
	const [open, setOpen] = useState(false);
	const address = useRegistryAddress();
	const c = address.data ? pushCommands(address.data, project) : undefined;
	return (
		<>
			<Button variant="secondary" onClick={() => setOpen(true)}>
				{t("repositories.push.button")}
			</Button>
			<Dialog
				open={open}
				title={t("repositories.push.title", { project })}
				onClose={() => setOpen(false)}
				wide
			>
				{!c ? (
					<p className="text-sm">{t("common.loading")}</p>
				) : (
					<div className="space-y-3 text-sm">
						<p className="text-slate-600 dark:text-slate-300">
							{t("repositories.push.intro")}
						</p>
						{tools.map((tool) => (
							<div key={tool} className="space-y-1">
								<h3 className="font-medium">
									{t(`repositories.push.${tool}`)}
								</h3>
								{c[tool].map((line, i) => (
									<CommandLine
										key={line}
										text={line}
										label={
											c[tool].length === 1
												? t("repositories.push.copyOnly", {
														tool: t(`repositories.push.${tool}`),
													})
												: t("repositories.push.copyStep", {
														tool: t(`repositories.push.${tool}`),
														step: i + 1,
														count: c[tool].length,
													})
										}
									/>
								))}
							</div>
						))}
					</div>
				)}
			</Dialog>
		</>
	);
}
