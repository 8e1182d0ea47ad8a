import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import { artifactKeys, artifactPath } from './artifacts.ts';

/** One step of an image's build history (the image config's `history`). */
export type HistoryEntry = { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean };

/** A chart's dependency (Chart.yaml `dependencies`). */
export type ChartDependency = { name: string; version: string; repository?: string };

/** Harbor's additions: build history for images, README, values and dependencies for charts. */
export type AdditionName = 'build_history' | 'readme.md' | 'values.yaml' | 'dependencies';

const additionPath = (project: string, repo: string, reference: string, name: AdditionName) =>
  `${artifactPath(project, repo, reference)}/additions/${name}`;

export const getBuildHistory = (project: string, repo: string, reference: string) =>
  api.get<HistoryEntry[]>(additionPath(project, repo, reference, 'build_history'));

export const getChartDependencies = (project: string, repo: string, reference: string) =>
  api.get<ChartDependency[]>(additionPath(project, repo, reference, 'dependencies'));

/** README and values come as text, shown as written. */
export const getAdditionText = (project: string, repo: string, reference: string, name: 'readme.md' | 'values.yaml') =>
  api.text(additionPath(project, repo, reference, name));

export const buildHistoryQuery = (project: string, repo: string, reference: string) => queryOptions({
  queryKey: artifactKeys.addition(project, repo, reference, 'build_history'),
  queryFn: () => getBuildHistory(project, repo, reference), staleTime: Infinity,
});
export const useBuildHistory = (project: string, repo: string, reference: string, enabled: boolean) =>
  useQuery({ ...buildHistoryQuery(project, repo, reference), enabled });

export const chartDependenciesQuery = (project: string, repo: string, reference: string) => queryOptions({
  queryKey: artifactKeys.addition(project, repo, reference, 'dependencies'),
  queryFn: () => getChartDependencies(project, repo, reference), staleTime: Infinity,
});
export const useChartDependencies = (project: string, repo: string, reference: string, enabled: boolean) =>
  useQuery({ ...chartDependenciesQuery(project, repo, reference), enabled });

export const additionTextQuery = (project: string, repo: string, reference: string, name: 'readme.md' | 'values.yaml') => queryOptions({
  queryKey: artifactKeys.addition(project, repo, reference, name),
  queryFn: () => getAdditionText(project, repo, reference, name), staleTime: Infinity,
});
export const useAdditionText = (project: string, repo: string, reference: string, name: 'readme.md' | 'values.yaml', enabled: boolean) =>
  useQuery({ ...additionTextQuery(project, repo, reference, name), enabled });
