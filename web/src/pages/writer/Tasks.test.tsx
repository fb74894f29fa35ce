import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { renderWithProviders } from '../../test/render';
import { envelope, fakeSse, makeTask } from '../../test/sse';
import { bodyOf, callsTo, makeWriterTask, page, writerServer } from '../../test/writer';
import WriterTasksPage from './Tasks';

const TASKS = Array.from({ length: 11 }, (_, i) => makeWriterTask({ id: i + 1, title: `Article ${i + 1}` }));

function server(extra: Parameters<typeof writerServer>[0] = {}) {
  return writerServer({
    'GET /api/v1/writer/tasks/filter_options/': () => envelope({ status: ['queued'], content_type: ['post'] }),
    'GET /api/v1/writer/tasks/': (url) => {
      expect(url.searchParams.get('site_id')).toBe('1');
      if (url.searchParams.get('page_size') === '1') return page([], TASKS.length);
      return page(TASKS);
    },
    ...extra,
  });
}

async function select(...titles: string[]) {
  const table = await screen.findByRole('table', { name: 'Writer tasks' });
  for (const title of titles) {
    await userEvent.click(within((await within(table).findByText(title)).closest('tr')!).getByRole('checkbox'));
  }
}

describe('Writer → Tasks', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('writes the selected tasks and follows the run in the progress modal, which links to the drafts', async () => {
    const stream = fakeSse();
    const fetchMock = server({
      'POST /api/v1/writer/tasks/auto_generate_content/': () => envelope(makeTask({ kind: 'generate_content' })),
      'GET /api/v1/tasks/7/events/': () => stream.response,
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<WriterTasksPage />);
    await select('Article 1', 'Article 2');
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Generate content' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/tasks/auto_generate_content/')).toEqual({ ids: [1, 2] }));
    const dialog = await screen.findByRole('dialog', { name: 'Writing articles' });
    stream.send(
      'task',
      makeTask({
        kind: 'generate_content',
        status: 'succeeded',
        result: { articles: 2, content_ids: [5, 6], offline: true } as never,
        progress: { phase: 'DONE', percent: 100, current: 2, total: 2 },
      }),
    );
    await waitFor(() => expect(within(dialog).getByTestId('task-summary').textContent).toMatch(/^2 articles written\. Offline drafts/));
    expect(within(dialog).getByRole('link', { name: 'View drafts' }).getAttribute('href')).toBe('/writer/drafts');
  });

  it('refuses more than ten tasks per run before asking the server', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<WriterTasksPage />);
    const table = await screen.findByRole('table', { name: 'Writer tasks' });
    await within(table).findByText('Article 11');
    await userEvent.click(within(table).getByRole('checkbox', { name: 'Select all rows on this page' }));
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Generate content' }));
    expect(useToastStore.getState().toasts.map((t) => t.message)).toContain('Articles are written up to 10 at a time; 11 are selected.');
    expect(callsTo(fetchMock, 'POST /api/v1/writer/tasks/auto_generate_content/')).toBe(0);
  });

  it('deletes the selected tasks after confirming', async () => {
    const fetchMock = server({ 'POST /api/v1/writer/tasks/bulk_delete/': () => envelope({ count: 2 }) });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<WriterTasksPage />);
    await select('Article 3', 'Article 4');
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Delete' }));
    const dialog = await screen.findByRole('dialog', { name: 'Delete 2 tasks?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/tasks/bulk_delete/')).toEqual({ ids: [3, 4] }));
    await waitFor(() => expect(useToastStore.getState().toasts.map((t) => t.message)).toContain('Deleted 2 tasks.'));
  });

  it('filters by status through the API', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<WriterTasksPage />);
    await screen.findByText('Article 1');
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'queued');
    await waitFor(() =>
      expect(
        fetchMock.mock.calls.some(([input]) => {
          const url = new URL(String(input), 'http://x');
          return url.pathname === '/api/v1/writer/tasks/' && url.searchParams.get('status') === 'queued' && url.searchParams.get('page_size') === '25';
        }),
      ).toBe(true),
    );
  });
});
