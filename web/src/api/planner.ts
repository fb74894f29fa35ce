// TanStack Query hooks and cache keys for the planner (keywords, clusters, ideas), the keyword library and the
// AI settings (prompts, models). Every planner write refreshes everything under `['planner']`: keywords,
// clusters and ideas carry each other's counts.
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from './index';

export interface Scope {
  site_id: number;
  sector_id?: number;
}

export const plannerKeys = {
  all: ['planner'] as const,
  keywords: ['planner', 'keywords'] as const,
  keywordOptions: (scope: object) => ['planner', 'keywords', 'options', scope] as const,
  keywordCount: (params: object) => ['planner', 'keywords', 'count', params] as const,
  clusters: ['planner', 'clusters'] as const,
  clusterChoices: (scope: object) => ['planner', 'clusters', 'choices', scope] as const,
  cluster: (id: number) => ['planner', 'clusters', 'one', id] as const,
  ideas: ['planner', 'ideas'] as const,
  idea: (id: number) => ['planner', 'ideas', 'one', id] as const,
  library: ['library'] as const,
  libraryOptions: ['library', 'options'] as const,
  sectorStats: (industryId: number | null) => ['library', 'sector-stats', industryId] as const,
  prompts: ['prompts'] as const,
  models: ['ai-models'] as const,
};

/** After any change to a site's keywords, clusters or ideas: the planner's queries, and the library's table,
 * whose rows say which keywords the site has (`in_site`). */
export function refreshPlanner(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: plannerKeys.all });
  void queryClient.invalidateQueries({ queryKey: [...plannerKeys.library, 'table'] });
}

function toScope(scope: Scope | null): Scope | null {
  if (!scope) return null;
  return scope.sector_id ? { site_id: scope.site_id, sector_id: scope.sector_id } : { site_id: scope.site_id };
}

/** Values present for the keyword filters (status, intent, cluster ids), given the scope. */
export function useKeywordFilterOptions(scope: Scope | null) {
  const s = toScope(scope);
  return useQuery({
    queryKey: plannerKeys.keywordOptions(s ?? {}),
    queryFn: async () => {
      // The endpoint reads the list filters and answers an envelope; the schema lists neither.
      const data = (await api.get('/api/v1/planner/keywords/filter_options', { ...({ query: s } as object) })) as unknown as Record<
        string,
        unknown
      >;
      const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]) : []);
      return {
        status: list('status').map(String),
        intent: list('intent').map(String),
        cluster_id: list('cluster_id').map(Number).filter(Number.isFinite),
      };
    },
    enabled: s !== null,
    staleTime: 30_000,
  });
}

/** How many keywords match (one row asked for: the count is what matters). */
export function useKeywordCount(params: (Scope & { status?: string }) | null) {
  return useQuery({
    queryKey: plannerKeys.keywordCount(params ?? {}),
    queryFn: async () => (await api.get('/api/v1/planner/keywords', { query: { ...params!, page_size: 1 } })).count,
    enabled: params !== null,
  });
}

/** Clusters of a scope for pickers and names (up to 200, by name). */
export function useClusterChoices(scope: Scope | null) {
  const s = toScope(scope);
  return useQuery({
    queryKey: plannerKeys.clusterChoices(s ?? {}),
    queryFn: () => api.get('/api/v1/planner/clusters', { query: { ...s!, page_size: 200, ordering: 'name' } }),
    enabled: s !== null,
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function useCluster(id: number | null) {
  return useQuery({
    queryKey: plannerKeys.cluster(id ?? 0),
    queryFn: () => api.get('/api/v1/planner/clusters/{id}', { path: { id: id ?? 0 } }),
    enabled: id !== null,
  });
}

export function useIdeaFilterOptions() {
  return useQuery({
    queryKey: ['planner', 'ideas', 'options'],
    queryFn: async () => {
      const data = (await api.get('/api/v1/planner/ideas/filter_options')) as unknown as Record<string, unknown>;
      const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).map(String) : []);
      return { status: list('status'), content_type: list('content_type') };
    },
    staleTime: 30_000,
  });
}

export function useLibraryFilterOptions() {
  return useQuery({
    queryKey: plannerKeys.libraryOptions,
    queryFn: async () => {
      const data = (await api.get('/api/v1/keywords-library/filter_options')) as unknown as Record<string, unknown>;
      const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).map(String) : []);
      return { intent: list('intent'), country: list('country') };
    },
    staleTime: 10 * 60_000,
  });
}

export function useSectorStats(industryId: number | null) {
  return useQuery({
    queryKey: plannerKeys.sectorStats(industryId),
    queryFn: () => api.get('/api/v1/keywords-library/sector_stats', { query: { industry_id: industryId } }),
    enabled: industryId !== null,
    staleTime: 10 * 60_000,
  });
}

export function usePrompts() {
  return useQuery({ queryKey: plannerKeys.prompts, queryFn: () => api.get('/api/v1/system/prompts') });
}

export function useAiModels() {
  return useQuery({ queryKey: plannerKeys.models, queryFn: () => api.get('/api/v1/system/ai/models'), staleTime: 5 * 60_000 });
}

/** How many ideas match (e.g. the `new` ones, ready for the writer). */
export function useIdeaCount(params: (Scope & { status?: string }) | null) {
  return useQuery({
    queryKey: ['planner', 'ideas', 'count', params ?? {}],
    queryFn: async () => (await api.get('/api/v1/planner/ideas', { query: { ...params!, page_size: 1 } })).count,
    enabled: params !== null,
  });
}
