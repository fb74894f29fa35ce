// Module switches of the account (`/api/v1/system/settings/modules/`). A module that is off is hidden from the
// navigation and refused by the API (403 MODULE_DISABLED for every `/api/v1/<module>/…` path).
import { useMutation, useQuery, useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { api } from '../api';

/** Every module, in the order the settings page lists them. */
export const MODULE_NAMES = ['planner', 'writer', 'automation', 'publisher', 'linker', 'optimizer'] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];
export type ModuleMap = Record<ModuleName, boolean>;

/** The server's defaults for an account that never switched anything (linker and optimizer start off). */
export const MODULE_DEFAULTS: ModuleMap = {
  planner: true,
  writer: true,
  automation: true,
  publisher: true,
  linker: false,
  optimizer: false,
};

export const modulesKey = ['modules'] as const;

export function isModuleName(value: string): value is ModuleName {
  return (MODULE_NAMES as readonly string[]).includes(value);
}

/** The server's `{name: bool}` object as a full map (a module it left out keeps its default). */
export function toModuleMap(raw: Record<string, boolean> | null | undefined): ModuleMap {
  const map = { ...MODULE_DEFAULTS };
  for (const name of MODULE_NAMES) {
    const value = raw?.[name];
    if (typeof value === 'boolean') map[name] = value;
  }
  return map;
}

export async function fetchModules(): Promise<ModuleMap> {
  const data = await api.get('/api/v1/system/settings/modules');
  return toModuleMap(data.modules);
}

/** The account's module switches (query key `['modules']`); `data` is the map once loaded. */
export function useModules(): UseQueryResult<ModuleMap, Error> {
  return useQuery({ queryKey: modulesKey, queryFn: fetchModules, staleTime: 5 * 60_000 });
}

/** Switches some modules (owners and admins); the others keep their state. Refreshes `['modules']`. */
export function useSaveModules() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (changes: Partial<ModuleMap>) => {
      const data = await api.put('/api/v1/system/settings/modules', { body: { modules: changes } });
      return toModuleMap(data.modules);
    },
    onSuccess: (modules) => queryClient.setQueryData(modulesKey, modules),
    onSettled: () => queryClient.invalidateQueries({ queryKey: modulesKey }),
  });
}

/** The module an app path belongs to (`/planner/keywords` → `planner`), as the API maps its paths; else null. */
export function moduleOfPath(pathname: string): ModuleName | null {
  const first = pathname.replace(/^\/+/, '').split(/[/?#]/)[0] ?? '';
  return isModuleName(first) ? first : null;
}

/**
 * Whether a page at `pathname` should be shown: pages outside the modules always are, and so is everything while
 * the switches are not known yet (nothing is hidden on a guess; the API refuses a disabled module anyway).
 */
export function isPathEnabled(pathname: string, modules: ModuleMap | undefined): boolean {
  const module = moduleOfPath(pathname);
  if (!module || !modules) return true;
  return modules[module];
}

/**
 * Navigation groups without the items of switched-off modules; a group left with no items is dropped. Works on any
 * `{items: {to}[]}` shape (the app's `navGroups`).
 */
export function visibleNavGroups<G extends { items: ReadonlyArray<{ to: string }> }>(
  groups: readonly G[],
  modules: ModuleMap | undefined,
): G[] {
  return groups
    .map((group) => ({ ...group, items: group.items.filter((item) => isPathEnabled(item.to, modules)) }))
    .filter((group) => group.items.length > 0);
}
