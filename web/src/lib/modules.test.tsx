import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { routeFetch } from '../test/render';
import { envelope } from '../test/sse';
import { isPathEnabled, moduleOfPath, modulesKey, toModuleMap, useModules, useSaveModules, visibleNavGroups } from './modules';

const SERVER = { automation: true, linker: false, optimizer: false, planner: true, publisher: true, writer: false };

function wrapper() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  const Wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
  return { queryClient, Wrapper };
}

describe('useModules', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it("returns the account's switches from GET /api/v1/system/settings/modules/ under ['modules']", async () => {
    const fetchMock = routeFetch({ 'GET /api/v1/system/settings/modules/': () => envelope({ modules: SERVER }) });
    vi.stubGlobal('fetch', fetchMock);
    const { queryClient, Wrapper } = wrapper();
    const { result } = renderHook(() => useModules(), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.isSuccess).toBe(true));
    expect(result.current.data).toEqual(SERVER);
    expect(queryClient.getQueryData(['modules'])).toEqual(SERVER);
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('asks again after a save (the key is invalidated) and the map shows the saved state', async () => {
    let writer = true;
    const fetchMock = routeFetch({
      'GET /api/v1/system/settings/modules/': () => envelope({ modules: { ...SERVER, writer } }),
      'PUT /api/v1/system/settings/modules/': (_, init) => {
        const body = JSON.parse(String(init?.body)) as { modules: { writer: boolean } };
        writer = body.modules.writer;
        return envelope({ modules: { ...SERVER, writer } });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => ({ modules: useModules(), save: useSaveModules() }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.modules.data?.writer).toBe(true));

    await act(() => result.current.save.mutateAsync({ writer: false }));
    await waitFor(() => expect(result.current.modules.data?.writer).toBe(false));
    // The first read, the save, then the read the invalidation caused.
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(3));
    expect(fetchMock.mock.calls.map(([, init]) => init?.method ?? 'GET')).toEqual(['GET', 'PUT', 'GET']);
    expect(JSON.parse(String(fetchMock.mock.calls[1]![1]!.body))).toEqual({ modules: { writer: false } });
  });
});

describe('module helpers', () => {
  it('fills modules the server left out with their defaults', () => {
    expect(toModuleMap({ writer: false })).toEqual({
      planner: true,
      writer: false,
      automation: true,
      publisher: true,
      linker: false,
      optimizer: false,
    });
  });

  it('maps app paths to modules as the API maps its paths', () => {
    expect(moduleOfPath('/planner/keywords')).toBe('planner');
    expect(moduleOfPath('/writer/content/12')).toBe('writer');
    expect(moduleOfPath('/writer')).toBe('writer');
    expect(moduleOfPath('/keywords-library')).toBeNull();
    expect(moduleOfPath('/settings/modules')).toBeNull();
    expect(moduleOfPath('/')).toBeNull();
    expect(moduleOfPath('/plannerx')).toBeNull();
  });

  it('hides only the pages of a module that is off, and nothing before the switches are known', () => {
    const modules = toModuleMap({ writer: false });
    expect(isPathEnabled('/writer/tasks', modules)).toBe(false);
    expect(isPathEnabled('/planner/keywords', modules)).toBe(true);
    expect(isPathEnabled('/settings/sites', modules)).toBe(true);
    expect(isPathEnabled('/writer/tasks', undefined)).toBe(true);
  });

  it('drops the navigation items of a module that is off, and a group left empty', () => {
    const groups = [
      { label: null, items: [{ to: '/', label: 'Dashboard' }] },
      { label: 'Planner', items: [{ to: '/planner/keywords', label: 'Keywords' }, { to: '/planner/ideas', label: 'Ideas' }] },
      { label: 'Writer', items: [{ to: '/writer/tasks', label: 'Tasks' }] },
      { label: 'Library', items: [{ to: '/keywords-library', label: 'Keyword Library' }] },
    ];
    expect(visibleNavGroups(groups, toModuleMap({ writer: false })).map((g) => g.label)).toEqual([null, 'Planner', 'Library']);
    expect(visibleNavGroups(groups, toModuleMap({ planner: false })).map((g) => [g.label, g.items.length])).toEqual([
      [null, 1],
      ['Writer', 1],
      ['Library', 1],
    ]);
    expect(visibleNavGroups(groups, undefined)).toEqual(groups);
  });
});

// The query key the navigation shares.
it("uses the ['modules'] key", () => {
  expect(modulesKey).toEqual(['modules']);
});
