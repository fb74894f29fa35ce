import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport, Sector } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import { ImportKeywordsModal, alreadyThere, inferredIntents, rowErrorsFromFields } from './ImportKeywordsModal';

const SECTORS: Sector[] = [
  { id: 10, site_id: 1, industry_sector_id: 1, name: 'Mental Health', slug: 'mental-health', description: '', is_active: true, created_at: '' },
  { id: 11, site_id: 1, industry_sector_id: 2, name: 'Nutrition & Diet', slug: 'nutrition-diet', description: '', is_active: true, created_at: '' },
];

const report = (over: Partial<ImportReport> = {}): ImportReport => ({
  total_rows: 4,
  created: 4,
  restored: 0,
  existing: 0,
  duplicates: 0,
  intents_inferred: 0,
  errors: [],
  dry_run: true,
  ...over,
});

const csv = () => new File(['keyword,volume\nshoes,10\n'], 'keywords.csv', { type: 'text/csv' });

function setup(onImported = vi.fn()) {
  renderWithProviders(
    <ImportKeywordsModal open onClose={() => undefined} siteId={1} sectors={SECTORS} defaultSectorId={11} onImported={onImported} />,
  );
  return { onImported };
}

async function choose(file: File) {
  const input = screen.getByLabelText('CSV file') as HTMLInputElement;
  await userEvent.upload(input, file);
}

/** The multipart fields the modal sent, and whether it was a dry run. */
function sent(call: [RequestInfo | URL, RequestInit?]) {
  const url = new URL(String(call[0]), 'http://localhost');
  const form = call[1]?.body as FormData;
  return {
    dryRun: url.searchParams.get('dry_run'),
    site: form.get('site_id'),
    sector: form.get('sector_id'),
    file: (form.get('file') as File | null)?.name,
  };
}

describe('ImportKeywordsModal', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('previews first and shows the counts and the rows with problems by line; nothing can be imported', async () => {
    const fetchMock = routeFetch({
      'POST /api/v1/planner/keywords/import_keywords/': () =>
        envelope(
          report({
            total_rows: 4,
            created: 1,
            errors: [
              { line: 3, column: 'volume', message: 'Volume "abc" is not a number ≥ 0.' },
              { line: 5, column: 'keyword', message: 'The keyword is empty.' },
            ],
          }),
        ),
    });
    vi.stubGlobal('fetch', fetchMock);
    setup();

    const preview = screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement;
    expect(preview.disabled).toBe(true);
    await choose(csv());
    await userEvent.click(preview);

    await screen.findByTestId('import-preview');
    expect(screen.getByTestId('count-rows').textContent).toBe('4');
    expect(screen.getByTestId('count-created').textContent).toBe('1');
    expect(screen.getByTestId('count-errors').textContent).toBe('2');
    const rows = within(screen.getByRole('table', { name: 'Rows with problems' })).getAllByTestId('row-error');
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['3', 'volume', 'Volume "abc" is not a number ≥ 0.'],
      ['5', 'keyword', 'The keyword is empty.'],
    ]);
    expect(screen.getByText('2 rows cannot be imported')).toBeTruthy();
    const confirm = screen.getByTestId('import-confirm') as HTMLButtonElement;
    expect(confirm.textContent).toBe('Fix the file to import');
    expect(confirm.disabled).toBe(true);

    // One request, a dry run, into the sector chosen in the header.
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(sent(fetchMock.mock.calls[0]!)).toEqual({ dryRun: 'true', site: '1', sector: '11', file: 'keywords.csv' });
  });

  it('imports after a clean preview, into the sector picked in the form', async () => {
    let calls = 0;
    const fetchMock = routeFetch({
      'POST /api/v1/planner/keywords/import_keywords/': () => {
        calls += 1;
        return envelope(report({ created: 3, existing: 1, dry_run: calls === 1 }));
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const { onImported } = setup();

    fireEvent.change(screen.getByLabelText('Sector'), { target: { value: '10' } });
    await choose(csv());
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByText(/Ready: 3 keywords will be added to Mental Health/);
    expect(screen.getByTestId('count-existing').textContent).toBe('1');

    await userEvent.click(screen.getByRole('button', { name: 'Import 3 keywords' }));
    await waitFor(() => expect(onImported).toHaveBeenCalledTimes(1));
    expect(onImported.mock.calls[0]![0]).toMatchObject({ created: 3, dry_run: false });
    expect(onImported.mock.calls[0]![1]).toMatchObject({ id: 10, name: 'Mental Health' });
    expect(fetchMock.mock.calls.map((c) => sent(c))).toEqual([
      { dryRun: 'true', site: '1', sector: '10', file: 'keywords.csv' },
      { dryRun: null, site: '1', sector: '10', file: 'keywords.csv' },
    ]);
  });

  it('shows the rows of an import refused with 422 and stays open', async () => {
    let calls = 0;
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'POST /api/v1/planner/keywords/import_keywords/': () => {
          calls += 1;
          if (calls === 1) return envelope(report({ created: 2 }));
          return jsonResponse(422, {
            success: false,
            error: '1 of 2 rows cannot be imported; nothing was imported.',
            code: 'UNPROCESSABLE',
            errors: { 'line 2: difficulty': ['Difficulty "200" is not a number from 0 to 100.'] },
          });
        },
      }),
    );
    const { onImported } = setup();
    await choose(csv());
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Import 2 keywords' }));
    await screen.findByText('The import was refused');
    expect(screen.getByText('1 of 2 rows cannot be imported; nothing was imported.')).toBeTruthy();
    const row = screen.getByTestId('row-error');
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual([
      '2',
      'difficulty',
      'Difficulty "200" is not a number from 0 to 100.',
    ]);
    expect(onImported).not.toHaveBeenCalled();
    expect((screen.getByTestId('import-confirm') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows a plan limit (403) as such', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'POST /api/v1/planner/keywords/import_keywords/': () =>
          jsonResponse(403, { success: false, error: 'Your plan allows 100 keywords per site.', code: 'PLAN_LIMIT' }),
      }),
    );
    setup();
    await choose(csv());
    await userEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await screen.findByText('Plan limit reached');
    expect(screen.getByText('Your plan allows 100 keywords per site.')).toBeTruthy();
  });
});

describe('rowErrorsFromFields', () => {
  it('turns "line N: column" keys into sorted rows', () => {
    expect(
      rowErrorsFromFields({
        'line 12: volume': ['Bad volume.'],
        'line 3': ['Too many columns.'],
        file: ['The file is empty.'],
      }),
    ).toEqual([
      { line: 0, column: 'file', message: 'The file is empty.' },
      { line: 3, column: null, message: 'Too many columns.' },
      { line: 12, column: 'volume', message: 'Bad volume.' },
    ]);
  });
});

describe('import wording', () => {
  it('agrees in number with the keywords already there', () => {
    expect(alreadyThere(1)).toBe('1 keyword is already there and stays as it is.');
    expect(alreadyThere(3)).toBe('3 keywords are already there and stay as they are.');
  });

  it('says when intents were read from the wording', () => {
    expect(inferredIntents(6, 6)).toBe(
      'The file gives no intents: they are read from the wording (“best …” commercial, “cheap …” transactional, otherwise informational).',
    );
    expect(inferredIntents(1, 6)).toMatch(/^1 row has no intent: its intent is read from the wording/);
    expect(inferredIntents(2, 6)).toMatch(/^2 rows have no intent: their intents are read from the wording/);
  });
});
