import { screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { useUiStore } from '../stores/ui';
import { jsonResponse, renderWithProviders, routeFetch } from '../test/render';
import { envelope } from '../test/sse';
import Dashboard from './Dashboard';

const page = (count: number) => jsonResponse(200, { success: true, count, next: null, previous: null, results: [] });

function server(modules: Record<string, boolean>) {
  return routeFetch({
    'GET /api/v1/auth/me/': () =>
      envelope({
        user: { id: 1, email: 'a@example.com', first_name: 'Ada', last_name: 'B', role: 'owner', is_active: true, account_id: 1 },
        account: {
          id: 1,
          name: 'Acme',
          credits: 100,
          bonus_credits: 0,
          plan: { name: 'Growth', max_sites: 3, max_sectors_per_site: 5, max_users: 5 },
        },
      }),
    'GET /api/v1/auth/sites/': () =>
      jsonResponse(200, {
        success: true,
        count: 1,
        next: null,
        previous: null,
        results: [{ id: 1, name: 'Wellness Weekly', slug: 'ww', industry_id: 7, is_active: true, has_api_key: false, created_at: '', updated_at: '' }],
      }),
    'GET /api/v1/auth/sites/1/sectors/': () => envelope([]),
    'GET /api/v1/auth/industries/': () => envelope([]),
    'GET /api/v1/account/team/': () => envelope([]),
    'GET /api/v1/system/settings/modules/': () => envelope({ modules }),
    'GET /api/v1/planner/keywords/': () => page(120),
    'GET /api/v1/planner/clusters/': () => page(9),
    'GET /api/v1/planner/ideas/': () => page(31),
    'GET /api/v1/writer/tasks/': () => page(4),
    'GET /api/v1/writer/content/': () => page(3),
    'GET /api/v1/writer/images/': () => page(7),
  });
}

const asked = (fetchMock: ReturnType<typeof server>, prefix: string) =>
  fetchMock.mock.calls.some(([u]) => new URL(String(u), 'http://x').pathname.startsWith(prefix));

describe('Dashboard pipeline', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: {} });
  });

  it('counts every stage of the switched-on modules', async () => {
    vi.stubGlobal('fetch', server({ planner: true, writer: true }));
    renderWithProviders(<Dashboard />);
    await waitFor(() => expect(screen.getByTestId('pipeline-keywords').textContent).toMatch(/120/));
    expect(screen.getByTestId('pipeline-images').textContent).toMatch(/7/);
    expect(screen.queryByText(/Stages marked “off”/)).toBeNull();
    expect(screen.getByText('Add keywords and let IGNY8 cluster them')).toBeTruthy();
  });

  it('marks a switched-off module’s stages “off” without asking for them', async () => {
    const fetchMock = server({ planner: false, writer: true });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<Dashboard />);
    await waitFor(() => expect(screen.getByTestId('pipeline-articles').textContent).toMatch(/3/));
    for (const stage of ['keywords', 'clusters', 'ideas']) {
      const tile = screen.getByTestId(`pipeline-${stage}`);
      expect(tile.textContent).toMatch(/off$/);
      expect(tile.closest('a')).toBeNull();
    }
    expect(screen.getByRole('link', { name: 'Settings → Modules' }).getAttribute('href')).toBe('/settings/modules');
    expect(screen.queryByText('Add keywords and let IGNY8 cluster them')).toBeNull();
    expect(asked(fetchMock, '/api/v1/planner/')).toBe(false);
  });
});
