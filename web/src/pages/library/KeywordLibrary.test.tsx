import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SeedKeyword } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import KeywordLibrary from './KeywordLibrary';

const seed = (id: number, keyword: string, industry_sector_id: number): SeedKeyword => ({
  id,
  industry_sector_id,
  keyword,
  volume: 1000 * id,
  difficulty: 40,
  intent: 'informational',
  country: 'US',
});

const SEEDS = [seed(1, 'anxiety symptoms', 101), seed(2, 'calorie deficit', 102), seed(3, 'therapist near me', 101)];
// The server marks, per row, whether the site (site_id) already has the keyword.
let inSite = new Set<number>();

const page = (results: unknown[]) => jsonResponse(200, { success: true, count: results.length, next: null, previous: null, results });

function server(extra: Parameters<typeof routeFetch>[0] = {}) {
  return routeFetch({
    'GET /api/v1/auth/me/': () =>
      envelope({
        user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role: 'editor', is_active: true, account_id: 1 },
        account: { id: 1, name: 'Acme', credits: 0, bonus_credits: 0 },
      }),
    'GET /api/v1/auth/sites/': () => page([{ id: 1, name: 'Wellness Weekly', slug: 'ww', industry_id: 7, is_active: true, has_api_key: false, created_at: '', updated_at: '' }]),
    'GET /api/v1/auth/sites/1/sectors/': () =>
      envelope([
        { id: 10, site_id: 1, industry_sector_id: 101, name: 'Mental Health', slug: 'mh', description: '', is_active: true, created_at: '' },
        { id: 11, site_id: 1, industry_sector_id: 102, name: 'Nutrition', slug: 'n', description: '', is_active: true, created_at: '' },
      ]),
    'GET /api/v1/keywords-library/filter_options/': () => envelope({ intent: ['informational'], country: ['US'] }),
    'GET /api/v1/keywords-library/sector_stats/': () =>
      envelope([
        { industry_sector_id: 101, keywords: 62, total_volume: 887881, avg_difficulty: 44 },
        { industry_sector_id: 102, keywords: 66, total_volume: 1066022, avg_difficulty: 47 },
      ]),
    'GET /api/v1/keywords-library/': (url) => {
      const one = url.searchParams.get('industry_sector_id');
      const rows = one ? SEEDS.filter((s) => String(s.industry_sector_id) === one) : SEEDS;
      return page(url.searchParams.get('site_id') ? rows.map((s) => ({ ...s, in_site: inSite.has(s.id) })) : rows);
    },
    ...extra,
  });
}

const libraryUrls = (fetchMock: ReturnType<typeof server>) =>
  fetchMock.mock.calls.map(([u]) => new URL(String(u), 'http://x')).filter((u) => u.pathname === '/api/v1/keywords-library/');

describe('Keyword Library', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: {} });
    useToastStore.setState({ toasts: [] });
    inSite = new Set();
  });

  it('marks the keywords the site already has, and again after adding more', async () => {
    inSite = new Set([3]);
    const fetchMock = server({
      'POST /api/v1/planner/keywords/bulk_add_from_seed/': (_u, init) => {
        const body = JSON.parse(String(init?.body)) as { seed_keyword_ids: number[] };
        body.seed_keyword_ids.forEach((id) => inSite.add(id));
        const n = body.seed_keyword_ids.length;
        return envelope({ total_rows: n, created: n, restored: 0, existing: 0, duplicates: 0, errors: [], dry_run: false });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordLibrary />);
    const table = await screen.findByRole('table', { name: 'Library keywords' });
    const rowOf = async (keyword: string) => (await within(table).findByText(keyword)).closest('tr')!;
    expect(libraryUrls(fetchMock).at(-1)!.searchParams.get('site_id')).toBe('1');
    expect(within(await rowOf('therapist near me')).getByText('In your keywords')).toBeTruthy();
    expect(within(await rowOf('anxiety symptoms')).queryByText('In your keywords')).toBeNull();
    await userEvent.click(within(table).getByRole('checkbox', { name: 'Select row 1' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add to their sectors' }));
    await waitFor(async () => expect(within(await rowOf('anxiety symptoms')).getByText('In your keywords')).toBeTruthy());
    expect(within(await rowOf('calorie deficit')).queryByText('In your keywords')).toBeNull();
  });

  it('browses all of the site’s sectors, then one from the sector tabs (remembered for the site)', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordLibrary />);
    await screen.findByText('calorie deficit');
    expect(libraryUrls(fetchMock).at(-1)!.searchParams.get('sector_ids')).toBe('101,102');
    const tabs = screen.getByRole('group', { name: 'Library sectors' });
    expect(within(tabs).getByRole('button', { name: /Mental Health/ }).textContent).toMatch(/62 keywords/);
    await userEvent.click(within(tabs).getByRole('button', { name: /Mental Health/ }));
    await waitFor(() => expect(screen.queryByText('calorie deficit')).toBeNull());
    expect(libraryUrls(fetchMock).at(-1)!.searchParams.get('industry_sector_id')).toBe('101');
    expect(useUiStore.getState().sectorBySite).toEqual({ '1': 10 });
  });

  it('adds selected keywords to the site sector each one belongs to and sums up the result', async () => {
    const bodies: unknown[] = [];
    const fetchMock = server({
      'POST /api/v1/planner/keywords/bulk_add_from_seed/': (_u, init) => {
        const body = JSON.parse(String(init?.body)) as { seed_keyword_ids: number[] };
        bodies.push(body);
        const n = body.seed_keyword_ids.length;
        return envelope({ total_rows: n, created: n === 2 ? 1 : n, restored: 0, existing: n === 2 ? 1 : 0, duplicates: 0, errors: [], dry_run: false });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<KeywordLibrary />);
    const table = await screen.findByRole('table', { name: 'Library keywords' });
    await within(table).findByText('anxiety symptoms');
    for (const id of [1, 2, 3]) await userEvent.click(within(table).getByRole('checkbox', { name: `Select row ${id}` }));
    await userEvent.click(screen.getByRole('button', { name: 'Add to their sectors' }));
    await waitFor(() => expect(useToastStore.getState().toasts.map((t) => t.message)).toEqual(['Added 2 keywords to 2 sectors; 1 already there.']));
    expect(bodies).toEqual([
      { seed_keyword_ids: [1, 3], site_id: 1, sector_id: 10 },
      { seed_keyword_ids: [2], site_id: 1, sector_id: 11 },
    ]);
    expect(screen.queryByTestId('selected-count')).toBeNull();
  });

  it('adds to the chosen sector by name', async () => {
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 11 } });
    vi.stubGlobal(
      'fetch',
      server({
        'POST /api/v1/planner/keywords/bulk_add_from_seed/': () =>
          envelope({ total_rows: 1, created: 1, restored: 0, existing: 0, duplicates: 0, errors: [], dry_run: false }),
      }),
    );
    renderWithProviders(<KeywordLibrary />);
    const table = await screen.findByRole('table', { name: 'Library keywords' });
    await userEvent.click(await within(table).findByRole('checkbox', { name: 'Select row 2' }));
    await userEvent.click(screen.getByRole('button', { name: 'Add to Nutrition' }));
    await waitFor(() => expect(useToastStore.getState().toasts.map((t) => t.message)).toEqual(['Added 1 keyword to Nutrition.']));
  });
});
