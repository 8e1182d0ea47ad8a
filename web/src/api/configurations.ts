import { queryOptions, useQuery } from "@tanstack/react-query";
import { api } from "./client.ts";
import { useInvalidatingMutation } from "./invalidating-mutation.ts";
import { systemInfoKeys } from "./system-info.ts";

/** Harbor's legacy scan-all schedule (`daily_time`: seconds after 00:00 UTC). */
export type ScanAllPolicy = {
	type: string;
	parameter?: { daily_time?: number };
};
/** Harbor's ConfigurationsResponse: every setting with its value and whether the API may change it. */
export type ConfigValue = string | number | boolean | ScanAllPolicy;
export type Configurations = Record<
	string,
	{ value: ConfigValue; editable: boolean }
>;

export const configurationKeys = { all: ["configurations"] as const };

const isItem = (v: unknown): v is Configurations[string] =>
	typeof v === "object" && v !== null && "value" in v && "editable" in v;

/** The settings, each as `{value, editable}`: `scan_all_policy`, which Harbor answers as the object itself, wrapped like the rest. */
export const getConfigurations = async (): Promise<Configurations> => {
	const raw = await api.get<Record<string, unknown>>(
		"/api/v2.0/configurations",
	);
	return Object.fromEntries(
		Object.entries(raw).map(([k, v]) => [
			k,
			isItem(v) ? v : { value: v as ScanAllPolicy, editable: true },
		]),
	);
};

export const configurationsQuery = queryOptions({
	queryKey: configurationKeys.all,
	queryFn: getConfigurations,
});

export const useConfigurations = () => useQuery(configurationsQuery);

/** A flat `{key: value}` of the changed settings; the server applies all or none. */
export const updateConfigurations = (changes: Record<string, ConfigValue>) =>
	api.send("PUT", "/api/v2.0/configurations", changes);

// The banner and read-only mode are shown by the shell from systeminfo.
export const useUpdateConfigurations = () =>
	useInvalidatingMutation(updateConfigurations, [
		configurationKeys.all,
		systemInfoKeys.current,
	]);
