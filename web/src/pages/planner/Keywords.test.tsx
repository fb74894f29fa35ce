import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Keyword } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope, makeTask } from '../../test/sse';
import KeywordsPage from './Keywords';

const kw = (id: number, keyword: string, over: Partial<Keyword> = {}): Keyword => ({
  id,
  site_id: 1,
  sector_id: 10,
  seed_keyword_id: null,
  keyword,
  volume: 1000 - id,
  difficulty: 30,
  volume_override: null,
  difficulty_override: null,
  intent: 'informational',
  cpc: null,
  cluster_id: null,
  status: 'new',
  created_at: '2026-11-25T00:00:00Z',
  updated_at: '2026-11-25T00:00:00Z',
  ...over,
});

const ROWS = [kw(1, 'meditation for anxiety'), kw(2, 'stress relief tips'), kw(3, 'therapy for depression', { cluster_id: 5, status: 'mapped' })];

const page = (results: unknown[], count = results.length) =>
  jsonResponse(200, { success: true, count, next: null, previous: null, results, request_id: 'r' });

function me(role = 'owner') {
  return envelope({
    user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role, is_active: true, account_id: 1 },
    account: { id: 1, name: 'Acme', credits: 100, bonus_credits: 0 },
  });
}

/** A fake API for the page; `extra` adds or overrides routes. */
function server(extra: Parameters<typeof routeFetch>[0] = {}) {
  return routeFetch({
    'GET /api/v1/auth/me/': () => me(),
    'GET /api/v1/auth/sites/': () => page([{ id: 1, name: 'Wellness Weekly', slug: 'ww', is_active: true, has_api_key: false, created_at: '', updated_at: '' }]),
    'GET /api/v1/auth/sites/1/sectors/': () =>
      envelope([
        { id: 10, site_id: 1, industry_sector_id: 1, name: 'Mental Health', slug: 'mh', description: '', is_active: true, created_at: '' },
        { id: 11, site_id: 1, industry_sector_id: 2, name: 'Nutrition', slug: 'n', description: '', is_active: true, created_at: '' },
      ]),
    'GET /api/v1/planner/keywords/filter_options/': () => envelope({ status: ['mapped', 'new'], intent: ['informational'], cluster_id: [5] }),
    'GET /api/v1/planner/clusters/': () =>
      page([{ id: 5, site_id: 1, sector_id: 10, name: 'Depression Therapy', description: '', status: 'new', keywords_count: 1, volume: 1, difficulty: 1, ideas_count: 0, content_count: 0, created_at: '', updated_at: '' }]),
    'GET /api/v1/planner/keywords/': (url) => {
      // One-row requests are the counts behind the next-step hint.
      if (url.searchParams.get('page_size') === '1') {
        return page([], url.searchParams.get('status') === 'new' ? 2 : 3);
      }
      const status = url.searchParams.get('status');
      return page(status ? ROWS.filter((r) => r.status === status) : ROWS);
    },
    ...extra,
  });
}

const bodyOf = (fetchMock: ReturnType<typeof server>, key: string) => {
  const call = fetchMock.mock.calls.find(([input, init]) => `${init?.method ?? 'GET'} ${new URL(String(input), 'http://x').pathname}` === key);
  return call ? (JSON.parse(String(call[1]?.body)) as Record<string, unknown>) : undefined;
};

const toasts = () => useToastStore.getState().toasts.map((t) => t.message);

async function selectRows(...names: string[]) {
  const table = await screen.findByRole('table', { name: 'Keywords' });
  await within(table).findByText(names[0]!);
  for (const name of names) {
    const row = within(table).getByText(name).closest('tr')!;
    await userEvent.click(within(row).getByRole('checkbox'));
  }
}

describe('Planner → Keywords', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('lists the keywords of the header sector and suggests auto-clustering the new ones', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    await screen.findByText('meditation for anxiety');
    const hint = await screen.findByTestId('next-action');
    await waitFor(() => expect(hint.textContent).toMatch(/2 keywords not clustered in Mental Health/));
    const list = fetchMock.mock.calls
      .map(([input]) => new URL(String(input), 'http://x'))
      .find((u) => u.pathname === '/api/v1/planner/keywords/' && u.searchParams.get('page_size') === '25')!;
    expect(Object.fromEntries(list.searchParams)).toEqual({ site_id: '1', sector_id: '10', page: '1', page_size: '25', ordering: '-volume' });
    // The cluster column shows the cluster's name and links to it.
    expect(screen.getByRole('link', { name: 'Depression Therapy' }).getAttribute('href')).toBe('/planner/clusters/5');
  });

  it('deletes the selected keywords with bulk_delete after confirming', async () => {
    const fetchMock = server({ 'POST /api/v1/planner/keywords/bulk_delete/': () => envelope({ count: 2 }) });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    await selectRows('meditation for anxiety', 'stress relief tips');
    expect(screen.getByTestId('selected-count').textContent).toBe('2 selected');
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 2 keywords?' });
    expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/bulk_delete/')).toBeUndefined();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/bulk_delete/')).toEqual({ ids: [1, 2] }));
    await waitFor(() => expect(toasts()).toContain('Deleted 2 keywords.'));
    await waitFor(() => expect(screen.queryByTestId('selected-count')).toBeNull());
  });

  it('sets the intent of the selected keywords with bulk_update', async () => {
    const fetchMock = server({ 'POST /api/v1/planner/keywords/bulk_update/': () => envelope({ count: 1 }) });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    await selectRows('stress relief tips');
    fireEvent.change(screen.getByLabelText('Set intent of the selected keywords'), { target: { value: 'commercial' } });
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/bulk_update/')).toEqual({ ids: [2], intent: 'commercial' }));
    await waitFor(() => expect(toasts()).toContain('Set 1 keyword to commercial.'));
  });

  it('auto-clusters the selected keywords of their sector and follows the task', async () => {
    const done = makeTask({
      id: 9,
      kind: 'auto_cluster',
      status: 'succeeded',
      result: { clusters_created: 1, clusters_reused: 0, keywords_mapped: 2, keywords_unclustered: 0, offline: true } as never,
      progress: { phase: 'DONE', percent: 100 },
    });
    const fetchMock = server({
      'POST /api/v1/planner/keywords/auto_cluster/': () => jsonResponse(202, { success: true, data: done, request_id: 'r' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    await selectRows('meditation for anxiety', 'stress relief tips');
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Auto-cluster' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/auto_cluster/')).toEqual({ sector_id: 10, ids: [1, 2] }));
    const dialog = await screen.findByRole('dialog', { name: 'Clustering keywords' });
    expect(within(dialog).getByTestId('task-summary').textContent).toBe(
      '1 cluster created, 2 keywords mapped. Offline draft: named by the local engine.',
    );
    expect(within(dialog).getByRole('link', { name: 'View clusters' }).getAttribute('href')).toBe('/planner/clusters');
  });

  it('auto-clusters every new keyword of the sector from the hint', async () => {
    const fetchMock = server({
      'POST /api/v1/planner/keywords/auto_cluster/': () =>
        jsonResponse(202, { success: true, data: makeTask({ id: 9, kind: 'auto_cluster', status: 'succeeded' }), request_id: 'r' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    const hint = await screen.findByTestId('next-action');
    await userEvent.click(await within(hint).findByRole('button', { name: 'Auto-cluster' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/auto_cluster/')).toEqual({ sector_id: 10 }));
  });

  it('with all sectors shown, offers the sector to auto-cluster beside the button', async () => {
    useUiStore.setState({ siteId: 1, sectorBySite: {} });
    const fetchMock = server({
      'POST /api/v1/planner/keywords/auto_cluster/': () =>
        jsonResponse(202, { success: true, data: makeTask({ id: 9, kind: 'auto_cluster', status: 'succeeded' }), request_id: 'r' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    const hint = await screen.findByTestId('next-action');
    await waitFor(() => expect(hint.textContent).toMatch(/2 keywords not clustered across the sectors/));
    const choice = within(hint).getByRole('combobox', { name: 'Sector to auto-cluster' }) as HTMLSelectElement;
    expect(choice.value).toBe('10');
    fireEvent.change(choice, { target: { value: '11' } });
    await userEvent.click(within(hint).getByRole('button', { name: 'Auto-cluster' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/keywords/auto_cluster/')).toEqual({ sector_id: 11 }));
  });

  it('filters through the API and offers to clear filters that match nothing', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordsPage />);
    await screen.findByText('meditation for anxiety');
    await userEvent.click(screen.getByRole('button', { name: /Filters/ }));
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'mapped' } });
    await waitFor(() => expect(screen.queryByText('meditation for anxiety')).toBeNull());
    expect(screen.getByText('therapy for depression')).toBeTruthy();
    const last = fetchMock.mock.calls
      .map(([input]) => new URL(String(input), 'http://x'))
      .filter((u) => u.pathname === '/api/v1/planner/keywords/' && u.searchParams.get('page_size') === '25')
      .at(-1)!;
    expect(last.searchParams.get('status')).toBe('mapped');
    expect(last.searchParams.get('page')).toBe('1');
    expect(screen.getByRole('button', { name: 'Filters (1)' })).toBeTruthy();
  });

  it('shows viewers the list without selection or row actions', async () => {
    vi.stubGlobal('fetch', server({ 'GET /api/v1/auth/me/': () => me('viewer') }));
    renderWithProviders(<KeywordsPage />);
    await screen.findByText('meditation for anxiety');
    await waitFor(() => expect((screen.getByRole('button', { name: /Add keyword/ }) as HTMLButtonElement).disabled).toBe(true));
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(screen.queryByRole('button', { name: 'Delete meditation for anxiety' })).toBeNull();
  });

  it('says what to do next when the sector has no keywords yet', async () => {
    vi.stubGlobal('fetch', server({ 'GET /api/v1/planner/keywords/': () => page([]) }));
    renderWithProviders(<KeywordsPage />);
    await screen.findByRole('heading', { name: 'No keywords in Mental Health yet' });
    expect(screen.queryByText(/Nothing matches these filters/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Import a CSV' })).toBeTruthy();
    expect(screen.getByRole('link', { name: /Browse the keyword library/ }).getAttribute('href')).toBe('/keywords-library');
    expect(screen.queryByTestId('next-action')).toBeNull();
  });
});
