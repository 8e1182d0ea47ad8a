import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { RobotAccess } from "../../api/robots.ts";
import {
	accessKey,
	actionName,
	actionOrder,
	byResource,
	resourceName,
} from "./permission-names.ts";

/** Named sets offered above the matrix, kept only where every access they hold can be granted. */
const presets: { id: string; access: RobotAccess[] }[] = [
	{ id: "pull", access: [{ resource: "repository", action: "pull" }] },
	{
		id: "pushPull",
		access: [
			{ resource: "repository", action: "pull" },
			{ resource: "repository", action: "push" },
		],
	},
];

const small =
	"rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800";

/** A checkbox that can show "some": the per-resource "all" box. */
function TriCheckbox({
	checked,
	mixed,
	...rest
}: {
	checked: boolean;
	mixed: boolean;
	onChange: () => void;
	"aria-label": string;
}) {
	const ref = useRef<HTMLInputElement>(null);
	useEffect(() => {
		if (ref.current) ref.current.indeterminate = mixed;
	}, [mixed]);
	return (
		<input
			ref={ref}
			type="checkbox"
			checked={checked}
			className="h-4 w-4"
			{...rest}
		/>
	);
}

/**
 * Resources × actions as checkboxes, from what the server says may be granted; a "select all" per resource and presets.
 * `value` and `onChange` hold keys `resource:action`.
 */
export function PermissionPicker({
	legend,
	grantable,
	value,
	onChange,
}: {
	legend: string;
	grantable: RobotAccess[];
	value: Set<string>;
	onChange: (next: Set<string>) => void;
}) {
	const { t } = useTranslation();
	const groups = [...byResource(grantable)];
	const grantableKeys = new Set(grantable.map(accessKey));
	const actions = actionOrder
		.filter((a) => grantable.some((g) => g.action === a))
		.concat(
			[...new Set(grantable.map((g) => g.action))].filter(
				(a) => !actionOrder.includes(a),
			),
		);

	const set = (keys: string[], on: boolean) => {
		const next = new Set(value);
		for (const k of keys)
			if (on) next.add(k);
			else next.delete(k);
		onChange(next);
	};
	const usable = presets.filter((p) =>
		p.access.every((a) => grantableKeys.has(accessKey(a))),
	);

	return (
		<fieldset className="mb-3">
			<legend className="text-sm font-medium">{legend}</legend>
			<div className="mt-1 flex flex-wrap items-center gap-2 text-sm">
				<span className="text-slate-600 dark:text-slate-300">
					{t("robots.picker.presets")}
				</span>
				{usable.map((p) => (
					<button
						type="button"
						key={p.id}
						className={small}
						onClick={() => onChange(new Set(p.access.map(accessKey)))}
					>
						{t(`robots.picker.preset.${p.id}`)}
					</button>
				))}
				<button
					type="button"
					className={small}
					onClick={() => onChange(new Set(grantableKeys))}
				>
					{t("robots.picker.selectEverything")}
				</button>
				<button
					type="button"
					className={small}
					onClick={() => onChange(new Set())}
				>
					{t("robots.picker.clear")}
				</button>
				<span
					className="ml-auto text-slate-600 dark:text-slate-300"
					aria-live="polite"
				>
					{t("robots.picker.selected", {
						count: [...value].filter((k) => grantableKeys.has(k)).length,
					})}
				</span>
			</div>
			<div className="mt-2 max-h-72 overflow-auto rounded border border-slate-300 dark:border-slate-700">
				<table className="w-full text-sm" aria-label={legend}>
					<thead className="sticky top-0 bg-slate-100 dark:bg-slate-800">
						<tr>
							<th scope="col" className="px-2 py-1 text-left font-medium">
								{t("robots.picker.resource")}
							</th>
							<th scope="col" className="px-2 py-1 font-medium">
								{t("robots.picker.all")}
							</th>
							{actions.map((a) => (
								<th key={a} scope="col" className="px-2 py-1 font-medium">
									{actionName(t, a)}
								</th>
							))}
						</tr>
					</thead>
					<tbody>
						{groups.map(([resource, acts]) => {
							const keys = acts.map((a) => `${resource}:${a}`);
							const on = keys.filter((k) => value.has(k)).length;
							const name = resourceName(t, resource);
							return (
								<tr
									key={resource}
									className="border-t border-slate-200 dark:border-slate-700"
								>
									<th scope="row" className="px-2 py-1 text-left font-normal">
										{name}
									</th>
									<td className="px-2 py-1 text-center">
										<TriCheckbox
											checked={on === keys.length}
											mixed={on > 0 && on < keys.length}
											aria-label={t("robots.picker.allOf", { resource: name })}
											onChange={() => set(keys, on < keys.length)}
										/>
									</td>
									{actions.map((a) => {
										const k = `${resource}:${a}`;
										return (
											<td key={a} className="px-2 py-1 text-center">
												{acts.includes(a) && (
													<input
														type="checkbox"
														className="h-4 w-4"
														checked={value.has(k)}
														onChange={(e) => set([k], e.target.checked)}
														aria-label={t("robots.picker.one", {
															resource: name,
															action: actionName(t, a),
														})}
													/>
												)}
											</td>
										);
									})}
								</tr>
							);
						})}
					</tbody>
				</table>
			</div>
		</fieldset>
	);
}
