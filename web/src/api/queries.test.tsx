// The session's shared answers: /auth/me, the credit balance and the unread count are asked for once however many
// components show them, and the live stream (not new requests) keeps them current through tasks and notifications.
import { QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, screen, waitFor } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isNotificationStreamLive, runStream } from '../lib/notifications';
import { useTaskProgress } from '../lib/useTaskProgress';
import { useAuthStore } from '../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../test/render';
import { fakeSse } from '../test/sse';
import { useCreditBalance, useMe, useUnreadCount } from './queries';
import type { Me, Task } from './types';

const me = {
  user: { id: 1, email: 'o@example.com', first_name: 'Olive', last_name: 'Owner', role: 'owner' },
  account: { id: 1, name: 'Olive Media', slug: 'olive', credits: 150, bonus_credits: 0 },
} as unknown as Me;

function balance(total: number) {
  return { credits: total, bonus_credits: 0, total, plan_included_credits: 150, plan: 'free', used_this_period: 150 - total, period_start: null, period_end: null };
}

function task(status: Task['status']): Task {
  return {
    id: 7,
    kind: 'connection_test',
    status,
    progress: { phase: status === 'succeeded' ? 'DONE' : 'AI_CALL', percent: status === 'succeeded' ? 100 : 50, message: '' },
  } as unknown as Task;
}

/** What the header, the page and the user menu each show. */
function Shell({ name }: { name: string }) {
  const who = useMe();
  const credits = useCreditBalance();
  const unread = useUnreadCount();
  return (
    <p data-testid={name}>
      {who.data?.user.first_name ?? '…'} · {credits.data?.total ?? '…'} credits · {unread.data?.unread ?? '…'} unread ·{' '}
      {who.data?.account.credits ?? '…'} in me
    </p>
  );
}

function Walk() {
  const [pages, setPages] = useState(1);
  return (
    <>
      <Shell name="header" />
      <Shell name="menu" />
      {Array.from({ length: pages }, (_, i) => (
        <Shell key={i} name={`page-${i}`} />
      ))}
      <button type="button" onClick={() => setPages((n) => n + 1)}>
        Next page
      </button>
    </>
  );
}

describe('shared session answers', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('asks for /auth/me, the balance and the unread count once over a walk; the stream keeps them current', async () => {
    const stream = fakeSse();
    const taskEvents = fakeSse();
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => jsonResponse(200, { success: true, data: me }),
      'GET /api/v1/billing/credits/balance/': () => jsonResponse(200, { success: true, data: balance(150) }),
      'GET /api/v1/notifications/unread_count/': () => jsonResponse(200, { success: true, data: { unread: 0 } }),
      'GET /api/v1/notifications/stream/': () => stream.response,
      'GET /api/v1/tasks/7/events/': () => taskEvents.response,
    });
    vi.stubGlobal('fetch', fetchMock);
    const asked = (path: string) => fetchMock.mock.calls.filter(([url]) => new URL(String(url), 'http://x').pathname === path).length;

    const { queryClient } = renderWithProviders(<Walk />);
    await waitFor(() => expect(screen.getByTestId('header').textContent).toBe('Olive · 150 credits · 0 unread · 150 in me'));
    const stop = new AbortController();
    const streaming = runStream(queryClient, stop.signal);
    act(() => stream.send('ready', { unread: 0, balance: balance(150) }));
    await waitFor(() => expect(isNotificationStreamLive()).toBe(true));

    // A task runs and ends, its notification arrives: events only.
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const { result } = renderHook(() => useTaskProgress(7, { initial: task('queued') }), {
      wrapper: ({ children }: { children: ReactNode }) => <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>,
    });
    await waitFor(() => expect(result.current.transport).toBe('stream'));
    act(() => taskEvents.send('task', task('running')));
    act(() => stream.send('task', task('succeeded')));
    act(() => taskEvents.send('task', task('succeeded')));
    act(() => stream.send('counts', { unread: 0, balance: balance(149) }));
    act(() => stream.send('notification', { id: 1, title: 'Finished: connection test' }));
    act(() => stream.send('counts', { unread: 1, balance: balance(149) }));
    await waitFor(() => expect(screen.getByTestId('header').textContent).toBe('Olive · 149 credits · 1 unread · 149 in me'));
    expect(result.current.task?.status).toBe('succeeded');
    // Nothing was marked out of date but the notification lists.
    for (const [filters] of invalidate.mock.calls) expect(filters?.queryKey).toEqual(['notifications', 'page']);

    // More pages mount and read the same answers.
    act(() => screen.getByRole('button', { name: 'Next page' }).click());
    act(() => screen.getByRole('button', { name: 'Next page' }).click());
    await waitFor(() => expect(screen.getByTestId('page-2').textContent).toBe('Olive · 149 credits · 1 unread · 149 in me'));
    await new Promise((r) => setTimeout(r, 20));

    expect(asked('/api/v1/auth/me/')).toBe(1);
    expect(asked('/api/v1/billing/credits/balance/')).toBe(1);
    expect(asked('/api/v1/notifications/unread_count/')).toBe(1);
    stop.abort();
    await streaming;
  });

  it('shares one request between components mounting together and between refreshes close together', async () => {
    let release: (() => void) | null = null;
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => jsonResponse(200, { success: true, data: me }),
      'GET /api/v1/billing/credits/balance/': () =>
        new Promise<Response>((resolve) => {
          release = () => resolve(jsonResponse(200, { success: true, data: balance(150) }));
        }),
      'GET /api/v1/notifications/unread_count/': () => jsonResponse(200, { success: true, data: { unread: 0 } }),
    });
    vi.stubGlobal('fetch', fetchMock);
    const { queryClient } = renderWithProviders(<Walk />);
    await waitFor(() => expect(release).not.toBeNull());
    // Three refreshes while the answer is on its way (a task ending, its event, its notification) share it.
    const { refreshCredits } = await import('./queries');
    refreshCredits(queryClient);
    refreshCredits(queryClient);
    refreshCredits(queryClient);
    act(() => release!());
    await waitFor(() => expect(screen.getByTestId('menu').textContent).toContain('150 credits'));
    const balanceCalls = fetchMock.mock.calls.filter(([url]) => String(url).includes('/billing/credits/balance/')).length;
    expect(balanceCalls).toBe(1);
    expect(fetchMock.mock.calls.filter(([url]) => String(url).includes('/auth/me/')).length).toBe(1);
  });
});
