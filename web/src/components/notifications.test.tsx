import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notification } from '../api/types';
import { useAuthStore } from '../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../test/render';
import { fakeSse } from '../test/sse';
import { reconnectDelay, runStream } from '../lib/notifications';
import { NotificationBell } from './notifications';

function note(id: number, overrides: Partial<Notification> = {}): Notification {
  return {
    id,
    notification_type: 'ai_task_succeeded',
    severity: 'success',
    title: `Finished: job ${id}`,
    message: 'The model answered (50 tokens).',
    action_label: 'View task',
    action_route: `/tasks/${id}`,
    is_read: false,
    read_at: null,
    created_at: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...overrides,
  };
}

/** The stream's `counts` data. */
function counts(unread: number, total = 150) {
  return {
    unread,
    balance: { credits: total, bonus_credits: 0, total, plan_included_credits: 150, plan: 'free', used_this_period: 0, period_start: null, period_end: null },
  };
}

function list(items: Notification[]) {
  return jsonResponse(200, { success: true, count: items.length, next: null, previous: null, results: items, request_id: 'r' });
}

describe('NotificationBell', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('shows the unread count on the badge and the latest notifications in the dropdown', async () => {
    const items = [note(3), note(2, { severity: 'error', title: 'Failed: job 2', action_route: null }), note(1, { is_read: true })];
    const fetchMock = routeFetch({
      'GET /api/v1/notifications/unread_count/': () => jsonResponse(200, { success: true, data: { unread: 2 } }),
      'GET /api/v1/notifications/': () => list(items),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<NotificationBell />);
    const bell = await screen.findByRole('button', { name: 'Notifications, 2 unread' });
    expect(screen.getByTestId('unread-badge').textContent).toBe('2');
    // The list is only asked for once the dropdown opens.
    expect(fetchMock.mock.calls.some(([url]) => String(url).startsWith('/api/v1/notifications/?'))).toBe(false);

    await userEvent.click(bell);
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    const rows = await within(panel).findAllByTestId('notification-item');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('Finished: job 3')).toBeTruthy();
    expect(within(rows[0]!).getByText('The model answered (50 tokens).')).toBeTruthy();
    expect(within(rows[0]!).getByText(/5 min/)).toBeTruthy();
    expect(within(rows[0]!).getByRole('link', { name: 'View task' }).getAttribute('href')).toBe('/tasks/3');
    expect(within(rows[1]!).getByText('Error:')).toBeTruthy();
    expect(within(rows[1]!).queryByRole('link')).toBeNull();
    expect(rows[2]!.getAttribute('data-read')).toBe('true');
    const listCall = fetchMock.mock.calls.find(([url]) => String(url).startsWith('/api/v1/notifications/?'));
    expect(String(listCall?.[0])).toBe('/api/v1/notifications/?page_size=10');
  });

  it('marks all read: the badge goes away and the rows read as read', async () => {
    let unread = 2;
    const items = [note(2), note(1)];
    const fetchMock = routeFetch({
      'GET /api/v1/notifications/unread_count/': () => jsonResponse(200, { success: true, data: { unread } }),
      'GET /api/v1/notifications/': () => list(items.map((n) => ({ ...n, is_read: unread === 0 }))),
      'POST /api/v1/notifications/mark_all_read/': () => {
        unread = 0;
        return jsonResponse(200, { success: true, data: { updated: 2 } });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<NotificationBell />);
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    await within(panel).findAllByTestId('notification-item');
    await userEvent.click(within(panel).getByRole('button', { name: 'Mark all read' }));
    await waitFor(() => expect(screen.queryByTestId('unread-badge')).toBeNull());
    expect(screen.getByRole('button', { name: 'Notifications' })).toBeTruthy();
    await waitFor(() =>
      expect(within(panel).getAllByTestId('notification-item').map((r) => r.getAttribute('data-read'))).toEqual(['true', 'true']),
    );
    expect((within(panel).getByRole('button', { name: 'Mark all read' }) as HTMLButtonElement).disabled).toBe(true);
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(1);
  });

  it('marks one read on click and deletes one', async () => {
    const state = { items: [note(2), note(1)] };
    const fetchMock = routeFetch({
      'GET /api/v1/notifications/unread_count/': () =>
        jsonResponse(200, { success: true, data: { unread: state.items.filter((n) => !n.is_read).length } }),
      'GET /api/v1/notifications/': () => list(state.items),
      'POST /api/v1/notifications/2/read/': () => {
        state.items = state.items.map((n) => (n.id === 2 ? { ...n, is_read: true } : n));
        return jsonResponse(200, { success: true, data: state.items[0] });
      },
      'DELETE /api/v1/notifications/1/': () => {
        state.items = state.items.filter((n) => n.id !== 1);
        return new Response(null, { status: 204 });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<NotificationBell />);
    await userEvent.click(await screen.findByRole('button', { name: 'Notifications, 2 unread' }));
    const panel = screen.getByRole('dialog', { name: 'Notifications' });
    await userEvent.click(await within(panel).findByText('Finished: job 2'));
    await waitFor(() => expect(screen.getByTestId('unread-badge').textContent).toBe('1'));
    await userEvent.click(within(panel).getByRole('button', { name: 'Delete "Finished: job 1"' }));
    await waitFor(() => expect(within(panel).getAllByTestId('notification-item')).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId('unread-badge')).toBeNull());
  });

  it('follows the live stream\'s counts: a notification changes the badge without asking for the count again', async () => {
    const stream = fakeSse();
    const fetchMock = routeFetch({
      'GET /api/v1/notifications/unread_count/': () => jsonResponse(200, { success: true, data: { unread: 0 } }),
      'GET /api/v1/notifications/stream/': () => stream.response,
    });
    vi.stubGlobal('fetch', fetchMock);
    const { queryClient } = renderWithProviders(<NotificationBell />);
    await screen.findByRole('button', { name: 'Notifications' });
    const stop = new AbortController();
    const running = runStream(queryClient, stop.signal);
    act(() => stream.send('ready', counts(0)));
    act(() => stream.send('notification', note(9)));
    act(() => stream.send('counts', counts(1)));
    expect(await screen.findByRole('button', { name: 'Notifications, 1 unread' })).toBeTruthy();
    const asked = fetchMock.mock.calls.filter(([url]) => String(url).includes('unread_count')).length;
    expect(asked).toBe(1);
    stop.abort();
    await running;
    expect(stream.cancelled).toBe(true);
  });
});

describe('notification stream', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('backs off exponentially with jitter, capped at 30 s', () => {
    expect(reconnectDelay(0, () => 0.5)).toBe(1000);
    expect(reconnectDelay(3, () => 0.5)).toBe(8000);
    expect(reconnectDelay(10, () => 0.5)).toBe(30000);
    expect(reconnectDelay(1, () => 0)).toBe(1500);
    expect(reconnectDelay(1, () => 1)).toBe(2500);
  });

  it('reconnects after a failure, a closed stream and a silent one, and catches up after reconnecting', async () => {
    const streams = [fakeSse(), fakeSse(), fakeSse()];
    let opened = 0;
    const fetchMock = routeFetch({
      'GET /api/v1/notifications/stream/': () => {
        opened += 1;
        if (opened === 1) return jsonResponse(502, {});
        return streams[opened - 2]!.response;
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    const { queryClient } = renderWithProviders(<div />);
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    const delays: number[] = [];
    const stop = new AbortController();
    const running = runStream(queryClient, stop.signal, {
      delay: (attempt) => {
        delays.push(attempt);
        return 1;
      },
      // Long enough that a loaded machine does not trip it between the steps below; short enough to wait for.
      staleMs: 300,
    });
    // 1st: refused → retry. 2nd: ready with the counts (first connection: nothing to catch up), then the server
    // closes.
    await waitFor(() => expect(opened).toBe(2));
    streams[0]!.send('ready', counts(0));
    await new Promise((r) => setTimeout(r, 5));
    expect(invalidate).not.toHaveBeenCalled();
    expect(queryClient.getQueryData(['notifications', 'unread'])).toEqual({ unread: 0 });
    streams[0]!.close();
    // 3rd: ready after a reconnect → the lists catch up (the counts come with ready); then silence past the
    // watchdog → reconnect.
    await waitFor(() => expect(opened).toBe(3));
    streams[1]!.send('ready', counts(2));
    await waitFor(() => expect(invalidate).toHaveBeenCalledWith({ queryKey: ['notifications', 'page'] }, { cancelRefetch: false }));
    expect(queryClient.getQueryData(['notifications', 'unread'])).toEqual({ unread: 2 });
    await waitFor(() => expect(opened).toBe(4), { timeout: 3000 });
    stop.abort();
    await running;
    expect(streams[1]!.cancelled).toBe(true);
    // Attempt counters: 0 after the refusal, reset by each ready. (A fourth, silent stream may have been given up
    // on before the stop; its retry would count from 1.)
    expect(delays.slice(0, 3)).toEqual([0, 0, 0]);
  });
});
