import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Idea } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { renderWithProviders } from '../../test/render';
import { envelope } from '../../test/sse';
import { bodyOf, callsTo, page, writerServer } from '../../test/writer';
import { queuedMessage } from './ideaModals';
import IdeasPage from './Ideas';

const idea = (id: number, title: string, status = 'new'): Idea => ({
  id,
  site_id: 1,
  sector_id: 10,
  cluster_id: null,
  title,
  description: 'Offline draft: an outline.',
  outline: [{ h2: 'Why', h3: ['One'] }],
  primary_keywords: ['meditation'],
  covered_keywords: [],
  content_type: 'post',
  content_structure: 'guide',
  target_word_count: 1200,
  status,
  source: 'offline',
  created_at: '2026-11-25T00:00:00Z',
  updated_at: '2026-11-25T00:00:00Z',
});

const IDEAS = [idea(1, 'Meditation basics'), idea(2, 'Breathing for calm'), idea(3, 'Sleep and stress', 'queued')];

function server(extra: Parameters<typeof writerServer>[0] = {}) {
  return writerServer({
    'GET /api/v1/planner/ideas/filter_options/': () => envelope({ status: ['new', 'queued'], content_type: ['post'] }),
    'GET /api/v1/planner/ideas/': (url) => {
      if (url.searchParams.get('page_size') === '1') return page([], 2);
      if (url.searchParams.get('status') === 'new') return page(IDEAS.filter((i) => i.status === 'new'));
      return page(IDEAS);
    },
    'POST /api/v1/planner/ideas/bulk_queue_to_writer/': () => envelope({ created: 1, skipped: 1, task_ids: [9] }),
    ...extra,
  });
}

const toasts = () => useToastStore.getState().toasts;

describe('Planner → Ideas: queue to writer', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('queues the selected ideas with bulk_queue_to_writer and reports created and skipped with a link to the tasks', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<IdeasPage />);
    const table = await screen.findByRole('table', { name: 'Ideas' });
    for (const title of ['Meditation basics', 'Breathing for calm']) {
      await userEvent.click(within((await within(table).findByText(title)).closest('tr')!).getByRole('checkbox'));
    }
    await userEvent.click(within(screen.getByRole('region', { name: 'Bulk actions' })).getByRole('button', { name: 'Queue to writer' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/ideas/bulk_queue_to_writer/')).toEqual({ ids: [1, 2] }));
    await waitFor(() => expect(toasts()[0]?.message).toBe('Queued 1 idea to the writer; 1 was already there.'));
    expect(toasts()[0]?.action).toEqual({ label: 'Open Writer → Tasks', to: '/writer/tasks' });
    // The selection is cleared once the ideas are queued.
    await waitFor(() => expect(screen.queryByTestId('selected-count')).toBeNull());
  });

  it('queues one idea from its row; queued ideas have no such action', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<IdeasPage />);
    await userEvent.click(await screen.findByRole('button', { name: 'Queue Breathing for calm to the writer' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/ideas/bulk_queue_to_writer/')).toEqual({ ids: [2] }));
    expect(screen.queryByRole('button', { name: 'Queue Sleep and stress to the writer' })).toBeNull();
  });

  it('queues every new idea of the scope from the next-step hint', async () => {
    const fetchMock = server();
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<IdeasPage />);
    const hint = await screen.findByTestId('next-action');
    await waitFor(() => expect(hint.textContent).toMatch(/2 ideas ready for the writer/));
    await userEvent.click(within(hint).getByRole('button', { name: 'Queue all 2 to the writer' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/planner/ideas/bulk_queue_to_writer/')).toEqual({ ids: [1, 2] }));
  });

  it('offers no queueing to viewers', async () => {
    const fetchMock = writerServer(
      {
        'GET /api/v1/planner/ideas/filter_options/': () => envelope({ status: ['new'], content_type: ['post'] }),
        'GET /api/v1/planner/ideas/': (url) => (url.searchParams.get('page_size') === '1' ? page([], 2) : page(IDEAS)),
      },
      'viewer',
    );
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<IdeasPage />);
    await screen.findByText('Meditation basics');
    expect(screen.queryByRole('button', { name: /Queue/ })).toBeNull();
    expect(callsTo(fetchMock, 'POST /api/v1/planner/ideas/bulk_queue_to_writer/')).toBe(0);
  });
});

describe('queuedMessage', () => {
  it('words created and skipped ideas', () => {
    expect(queuedMessage({ created: 3, skipped: 0, task_ids: [] })).toBe('Queued 3 ideas to the writer.');
    expect(queuedMessage({ created: 2, skipped: 2, task_ids: [] })).toBe('Queued 2 ideas to the writer; 2 were already there.');
    expect(queuedMessage({ created: 0, skipped: 1, task_ids: [] })).toBe('This idea is already in the writer.');
    expect(queuedMessage({ created: 0, skipped: 4, task_ids: [] })).toBe('All 4 ideas are already in the writer.');
  });
});
