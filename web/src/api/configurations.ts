import { queryOptions, useQuery } from '@tanstack/react-query';
import { systemInfoKeys } from './system-info.ts';
import { api } from './client.ts';
import { useInvalidatingMutation } from './invalidating-mutation.ts';

/** Harbor's ConfigurationsResponse: every setting with its value and whether the API may change it. */
export type ConfigValue = string | number | boolean;
export type Configurations = Record<string, { value: ConfigValue; editable: boolean }>;

export const configurationKeys = { all: ['configurations'] as const };

export const getConfigurations = () => api.get<Configurations>('/api/v2.0/configurations');

export const configurationsQuery = queryOptions({ queryKey: configurationKeys.all, queryFn: getConfigurations });

export const useConfigurations = () => useQuery(configurationsQuery);

/** A flat `{key: value}` of the changed settings; the server applies all or none. */
export const updateConfigurations = (changes: Record<string, ConfigValue>) => api.send('PUT', '/api/v2.0/configurations', changes);

// The banner and read-only mode are shown by the shell from systeminfo.
export const useUpdateConfigurations = () => useInvalidatingMutation(updateConfigurations, [configurationKeys.all, systemInfoKeys.current]);
