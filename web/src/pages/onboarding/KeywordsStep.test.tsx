import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport, SeedKeyword } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import { KeywordsStep, type AddedReport } from './KeywordsStep';

const SECTORS = [
  { id: 10, site_id: 5, industry_sector_id: 1, name: 'Mental Health', slug: 'mental-health', description: '', is_active: true, created_at: '' },
  { id: 11, site_id: 5, industry_sector_id: 2, name: 'Nutrition & Diet', slug: 'nutrition-diet', description: '', is_active: true, created_at: '' },
];

const seed = (id: number, industrySectorId: number, keyword: string, volume: number): SeedKeyword => ({
  id,
  industry_sector_id: industrySectorId,
  keyword,
  volume,
  difficulty: 30,
  intent: 'informational',
  country: 'US',
});

const LIBRARY: Record<string, SeedKeyword[]> = {
  '1': [seed(101, 1, 'anxiety relief', 9000), seed(102, 1, 'stress at work', 5000), seed(103, 1, 'sleep and mood', 1200)],
  '2': [seed(201, 2, 'high protein breakfast', 22000), seed(202, 2, 'meal prep ideas', 8000)],
};

const list = (results: unknown[]) =>
  jsonResponse(200, { success: true, count: results.length, next: null, previous: null, results, request_id: 'r' });

const report = (over: Partial<ImportReport> = {}): ImportReport => ({
  total_rows: 0,
  created: 0,
  restored: 0,
  existing: 0,
  duplicates: 0,
  intents_inferred: 0,
  errors: [],
  dry_run: false,
  ...over,
});

function server(extra: Parameters<typeof routeFetch>[0] = {}) {
  return routeFetch({
    'GET /api/v1/auth/sites/5/sectors/': () => envelope(SECTORS),
    'GET /api/v1/keywords-library/': (url) => list(LIBRARY[url.searchParams.get('industry_sector_id') ?? ''] ?? []),
    ...extra,
  });
}

function setup() {
  const onAdded = vi.fn<(r: AddedReport) => void>();
  const onContinue = vi.fn<(skipped: boolean) => void>();
  renderWithProviders(<KeywordsStep siteId={5} added={0} onAdded={onAdded} onBack={() => undefined} onContinue={onContinue} />);
  return { onAdded, onContinue };
}

const postsTo = (fetchMock: ReturnType<typeof routeFetch>, path: string) =>
  fetchMock.mock.calls
    .filter(([input, init]) => init?.method === 'POST' && new URL(String(input), 'http://localhost').pathname === path)
    .map(([, init]) => init?.body);

describe('Onboarding → Add keywords', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it("lists each sector's top library keywords by volume, all preselected", async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    setup();

    const mental = await screen.findByTestId('library-sector-10');
    await within(mental).findByRole('checkbox', { name: /anxiety relief/ });
    const nutrition = screen.getByTestId('library-sector-11');
    await within(nutrition).findByRole('checkbox', { name: /high protein breakfast/ });
    expect(within(mental).getAllByRole('checkbox').every((c) => (c as HTMLInputElement).checked)).toBe(true);
    expect(within(nutrition).getAllByRole('checkbox')).toHaveLength(2);
    expect(screen.getByTestId('add-selected').textContent).toBe('Add 5 selected keywords');

    // One library request per sector: its industry sector, by volume, 15 rows.
    const libraryCalls = fetchMock.mock.calls
      .map(([input]) => new URL(String(input), 'http://localhost'))
      .filter((u) => u.pathname === '/api/v1/keywords-library/')
      .map((u) => Object.fromEntries(u.searchParams));
    expect(libraryCalls).toEqual(
      expect.arrayContaining([
        { industry_sector_id: '1', ordering: '-volume', page_size: '15' },
        { industry_sector_id: '2', ordering: '-volume', page_size: '15' },
      ]),
    );
    expect(libraryCalls).toHaveLength(2);
  });

  it('adds the selected ids with bulk_add_from_seed, one request per sector, and shows what each did', async () => {
    const fetchMock = server({
      'POST /api/v1/planner/keywords/bulk_add_from_seed/': (_, init) => {
        const body = JSON.parse(String(init?.body)) as { seed_keyword_ids: number[]; sector_id: number };
        return body.sector_id === 10
          ? envelope(report({ total_rows: 2, created: 1, existing: 1 }))
          : envelope(report({ total_rows: 1, created: 1 }));
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const { onAdded, onContinue } = setup();

    const mental = await screen.findByTestId('library-sector-10');
    await userEvent.click(await within(mental).findByRole('checkbox', { name: /stress at work/ }));
    const nutrition = screen.getByTestId('library-sector-11');
    await userEvent.click(await within(nutrition).findByRole('checkbox', { name: /meal prep ideas/ }));
    expect(within(mental).getByText(/2 of 3 selected/)).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Add 3 selected keywords' }));

    await waitFor(() => expect(postsTo(fetchMock, '/api/v1/planner/keywords/bulk_add_from_seed/')).toHaveLength(2));
    expect(postsTo(fetchMock, '/api/v1/planner/keywords/bulk_add_from_seed/').map((b) => JSON.parse(String(b)))).toEqual([
      { seed_keyword_ids: [101, 103], site_id: 5, sector_id: 10 },
      { seed_keyword_ids: [201], site_id: 5, sector_id: 11 },
    ]);
    const shown = await screen.findByTestId('added-report');
    expect([...shown.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Mental Health: 1 new keyword, 1 already there',
      'Nutrition & Diet: 1 new keyword, 0 already there',
    ]);
    expect(onAdded.mock.calls.map(([r]) => [r.sector.id, r.report.created, r.source])).toEqual([
      [10, 1, 'library'],
      [11, 1, 'library'],
    ]);
    expect(onContinue).not.toHaveBeenCalled();
  });

  it('"Select none" leaves a sector out of the request', async () => {
    const fetchMock = server({
      'POST /api/v1/planner/keywords/bulk_add_from_seed/': () => envelope(report({ total_rows: 2, created: 2 })),
    });
    vi.stubGlobal('fetch', fetchMock);
    setup();
    const mental = await screen.findByTestId('library-sector-10');
    await within(mental).findByRole('checkbox', { name: /anxiety relief/ });
    await userEvent.click(within(mental).getByRole('button', { name: 'Select none' }));
    await within(screen.getByTestId('library-sector-11')).findByRole('checkbox', { name: /meal prep ideas/ });
    await userEvent.click(screen.getByRole('button', { name: 'Add 2 selected keywords' }));
    await screen.findByTestId('added-report');
    expect(postsTo(fetchMock, '/api/v1/planner/keywords/bulk_add_from_seed/').map((b) => JSON.parse(String(b)))).toEqual([
      { seed_keyword_ids: [201, 202], site_id: 5, sector_id: 11 },
    ]);
  });

  it('previews a CSV for the chosen sector and lists the rows with problems; a clean file is imported', async () => {
    let call = 0;
    const fetchMock = server({
      'POST /api/v1/planner/keywords/import_keywords/': (url) => {
        call += 1;
        if (call === 1) {
          return envelope(
            report({
              total_rows: 3,
              created: 2,
              dry_run: true,
              errors: [{ line: 3, column: 'volume', message: 'Volume "lots" is not a number ≥ 0.' }],
            }),
          );
        }
        return envelope(report({ total_rows: 3, created: 3, dry_run: url.searchParams.get('dry_run') === 'true' }));
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const { onAdded } = setup();

    await userEvent.click(await screen.findByRole('tab', { name: 'Import a CSV' }));
    await userEvent.click(screen.getByRole('button', { name: 'Import a CSV…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Import keywords from CSV' });
    fireEvent.change(within(dialog).getByLabelText('Sector'), { target: { value: '11' } });
    const bad = new File(['keyword,volume\nkale,10\nchia,lots\n'], 'bad.csv', { type: 'text/csv' });
    await userEvent.upload(within(dialog).getByLabelText('CSV file'), bad);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));

    const rows = await within(dialog).findAllByTestId('row-error');
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['3', 'volume', 'Volume "lots" is not a number ≥ 0.'],
    ]);
    expect((within(dialog).getByTestId('import-confirm') as HTMLButtonElement).disabled).toBe(true);
    const first = fetchMock.mock.calls.find(([input]) => String(input).includes('import_keywords'))!;
    const form = first[1]?.body as FormData;
    expect(new URL(String(first[0]), 'http://localhost').searchParams.get('dry_run')).toBe('true');
    expect([form.get('site_id'), form.get('sector_id'), (form.get('file') as File).name]).toEqual(['5', '11', 'bad.csv']);
    expect(onAdded).not.toHaveBeenCalled();

    // A fixed file: preview, then import for real.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Choose another file' }));
    const good = new File(['keyword\nkale\nchia\noats\n'], 'good.csv', { type: 'text/csv' });
    await userEvent.upload(within(dialog).getByLabelText('CSV file'), good);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Preview' }));
    await userEvent.click(await within(dialog).findByRole('button', { name: 'Import 3 keywords' }));

    await waitFor(() => expect(onAdded).toHaveBeenCalledTimes(1));
    expect(onAdded.mock.calls[0]![0]).toMatchObject({ source: 'csv', sector: { id: 11 }, report: { created: 3, dry_run: false } });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByTestId('added-report').textContent).toBe('Nutrition & Diet: 3 new keywords, 0 already there');
    const last = fetchMock.mock.calls.filter(([input]) => String(input).includes('import_keywords')).at(-1)!;
    expect(new URL(String(last[0]), 'http://localhost').searchParams.get('dry_run')).toBeNull();
  });

  it('can be skipped', async () => {
    vi.stubGlobal('fetch', server());
    const { onContinue } = setup();
    await userEvent.click(await screen.findByRole('button', { name: 'Skip for now' }));
    expect(onContinue).toHaveBeenCalledWith(true);
  });
});
