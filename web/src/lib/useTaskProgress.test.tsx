import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { envelope, fakeSse, makeTask, type FakeStream } from '../test/sse';
import { isTerminal, useTaskProgress } from './useTaskProgress';

const running = makeTask({ status: 'running', progress: { phase: 'AI_CALL', percent: 50, message: 'Calling the model' } });
const succeeded = makeTask({
  status: 'succeeded',
  cost_credits: 1,
  progress: { phase: 'DONE', percent: 100, current: 1, message: 'The model answered (50 tokens).' },
});

function errorResponse(status: number, code: string) {
  return new Response(JSON.stringify({ success: false, error: 'No.', code, request_id: 'r' }), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Routes: `GET /api/v1/tasks/7/events/` etc. → handler; counts every call by route. */
function stubFetch(routes: Record<string, (init?: RequestInit) => Response | Promise<Response>>) {
  const calls: string[] = [];
  const fetchMock = vi.fn<typeof fetch>(async (input, init) => {
    const url = new URL(String(input), 'http://localhost');
    const key = `${(init?.method ?? 'GET').toUpperCase()} ${url.pathname}`;
    calls.push(key);
    const handler = routes[key];
    if (!handler) throw new Error(`Unexpected request: ${key}`);
    return handler(init);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, calls, count: (key: string) => calls.filter((c) => c === key).length };
}

function wrapper() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
  );
  return { Wrapper, invalidate };
}

const EVENTS = 'GET /api/v1/tasks/7/events/';
const GET = 'GET /api/v1/tasks/7/';

describe('useTaskProgress', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('follows the event stream to the final state, then stops listening without polling', async () => {
    const stream = fakeSse();
    const net = stubFetch({ [EVENTS]: () => stream.response, [GET]: () => envelope(running) });
    const { Wrapper, invalidate } = wrapper();
    const onFinished = vi.fn();
    const { result } = renderHook(() => useTaskProgress(7, { initial: makeTask(), onFinished, pollInterval: 5 }), {
      wrapper: Wrapper,
    });
    expect(result.current.task?.status).toBe('queued');
    await waitFor(() => expect(result.current.transport).toBe('stream'));
    const [, init] = net.fetchMock.mock.calls[0]!;
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer A1');
    expect((init?.headers as Record<string, string>).Accept).toBe('text/event-stream');

    act(() => stream.send('task', running));
    await waitFor(() => expect(result.current.task?.progress.percent).toBe(50));
    expect(result.current.done).toBe(false);

    act(() => stream.send('task', succeeded));
    await waitFor(() => expect(result.current.task?.status).toBe('succeeded'));
    expect(result.current.transport).toBe('done');
    expect(result.current.done).toBe(true);
    expect(onFinished).toHaveBeenCalledWith(succeeded);
    // Without the notification stream, the credit badge and the bell are asked for when the task ends (sharing a
    // request already in flight).
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['billing', 'balance'] }, { cancelRefetch: false });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['notifications', 'page'] }, { cancelRefetch: false });
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ['notifications', 'unread'] }, { cancelRefetch: false });
    expect(invalidate).not.toHaveBeenCalledWith(expect.objectContaining({ queryKey: ['me'] }), expect.anything());
    await waitFor(() => expect(stream.cancelled).toBe(true));
    await new Promise((r) => setTimeout(r, 30));
    expect(net.count(GET)).toBe(0);
    expect(net.calls).toEqual([EVENTS]);
  });

  it('falls back to polling every interval when the stream cannot be opened, and stops at the final state', async () => {
    const answers = [running, running, succeeded];
    const net = stubFetch({
      [EVENTS]: () => errorResponse(502, 'HTTP_502'),
      [GET]: () => envelope(answers.shift() ?? succeeded),
    });
    const { Wrapper } = wrapper();
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        const state = useTaskProgress(7, { pollInterval: 10 });
        if (seen[seen.length - 1] !== state.transport) seen.push(state.transport);
        return state;
      },
      { wrapper: Wrapper },
    );
    await waitFor(() => expect(result.current.task?.status).toBe('succeeded'));
    expect(seen).toEqual(['connecting', 'polling', 'done']);
    expect(net.count(GET)).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(net.count(GET)).toBe(3);
  });

  it('polls when the stream drops before the task ends, and keeps polling through a network error', async () => {
    const stream = fakeSse();
    let gets = 0;
    const net = stubFetch({
      [EVENTS]: () => stream.response,
      [GET]: () => {
        gets += 1;
        if (gets === 1) throw new TypeError('offline');
        return envelope(gets === 2 ? running : succeeded);
      },
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useTaskProgress(7, { pollInterval: 10 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.transport).toBe('stream'));
    act(() => stream.send('task', running));
    await waitFor(() => expect(result.current.task?.status).toBe('running'));
    act(() => stream.fail());
    await waitFor(() => expect(result.current.task?.status).toBe('succeeded'));
    expect(net.count(GET)).toBe(3);
    expect(result.current.error).toBeNull();
  });

  it('renews the token on a 401 from the stream, through the client', async () => {
    const stream = fakeSse();
    let opened = 0;
    const net = stubFetch({
      [EVENTS]: (init) => {
        opened += 1;
        const auth = (init?.headers as Record<string, string>).Authorization;
        return auth === 'Bearer A2' ? stream.response : errorResponse(401, 'TOKEN_INVALID');
      },
      'POST /api/v1/auth/token/refresh/': () => envelope({ access: 'A2', refresh: 'R2' }),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useTaskProgress(7), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.transport).toBe('stream'));
    expect(opened).toBe(2);
    expect(useAuthStore.getState().refresh).toBe('R2');
    act(() => stream.send('task', succeeded));
    await waitFor(() => expect(result.current.done).toBe(true));
    expect(net.count(GET)).toBe(0);
  });

  it('reports a task that does not exist and stops', async () => {
    const net = stubFetch({
      [EVENTS]: () => errorResponse(404, 'NOT_FOUND'),
      [GET]: () => errorResponse(404, 'NOT_FOUND'),
    });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useTaskProgress(7, { pollInterval: 5 }), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.error?.status).toBe(404));
    expect(result.current.done).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(net.count(GET)).toBe(1);
  });

  it('never moves back out of a final state when an older snapshot arrives', async () => {
    const stream: FakeStream = fakeSse();
    stubFetch({ [EVENTS]: () => stream.response });
    const { Wrapper } = wrapper();
    const { result } = renderHook(() => useTaskProgress(7), { wrapper: Wrapper });
    await waitFor(() => expect(result.current.transport).toBe('stream'));
    act(() => result.current.receive(makeTask({ status: 'cancelled', cancel_requested: true })));
    await waitFor(() => expect(result.current.task?.status).toBe('cancelled'));
    act(() => result.current.receive(running));
    expect(result.current.task?.status).toBe('cancelled');
    await waitFor(() => expect(stream.cancelled).toBe(true));
  });

  it('does nothing without a task, and nothing more for one that already ended', async () => {
    const net = stubFetch({});
    const { Wrapper } = wrapper();
    const { result, rerender } = renderHook(({ id }) => useTaskProgress(id, { initial: succeeded }), {
      wrapper: Wrapper,
      initialProps: { id: null as number | null },
    });
    expect(result.current.transport).toBe('idle');
    rerender({ id: 7 });
    expect(result.current.task?.status).toBe('succeeded');
    expect(isTerminal(result.current.task)).toBe(true);
    expect(net.calls).toEqual([]);
  });
});
