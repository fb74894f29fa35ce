// Notifications: the live stream that keeps the bell current, and the read/delete actions.
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api';
import { isApiError, type Page } from '../api/client';
import { queryKeys, refreshCredits, refreshNotifications } from '../api/queries';
import type { Notification } from '../api/types';
import { readSse } from './sse';

/** The server sends a keep-alive every 15 s: silence for this long means the connection is dead. */
export const STREAM_STALE_MS = 45_000;
export const RECONNECT_BASE_MS = 1_000;
export const RECONNECT_MAX_MS = 30_000;

/** Exponential backoff with ±25 % jitter, so many tabs do not reconnect in step. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.75 + random() * 0.5));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * Keeps the account's notification stream open while mounted: each `notification` event refreshes the bell
 * (count and list) and the credit badge; a dropped or silent connection reconnects with backoff, and a
 * reconnect catches up on what was missed meanwhile.
 */
export function useNotificationStream(enabled = true) {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const stop = new AbortController();
    void runStream(queryClient, stop.signal);
    return () => stop.abort();
  }, [enabled, queryClient]);
}

export async function runStream(
  queryClient: QueryClient,
  signal: AbortSignal,
  options: { delay?: (attempt: number) => number; staleMs?: number } = {},
): Promise<void> {
  const delay = options.delay ?? reconnectDelay;
  const staleMs = options.staleMs ?? STREAM_STALE_MS;
  let failures = 0;
  let connectedBefore = false;
  while (!signal.aborted) {
    const connection = new AbortController();
    const onStop = () => connection.abort();
    signal.addEventListener('abort', onStop);
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => connection.abort(), staleMs);
    };
    try {
      const response = await api.openStream('/api/v1/notifications/stream', { signal: connection.signal });
      alive();
      await readSse(
        response,
        (event) => {
          if (event.event === 'ready') {
            failures = 0;
            // Anything that arrived while disconnected has no event of its own.
            if (connectedBefore) {
              refreshNotifications(queryClient);
              refreshCredits(queryClient);
            }
            connectedBefore = true;
          } else if (event.event === 'notification') {
            refreshNotifications(queryClient);
            refreshCredits(queryClient);
          } else if (event.event === 'task') {
            // The stream also carries the account's task changes: a finished task may have spent credits.
            try {
              const task = JSON.parse(event.data) as { status?: unknown };
              if (typeof task.status === 'string' && TERMINAL.has(task.status)) refreshCredits(queryClient);
            } catch {
              // not ours to judge
            }
          }
        },
        { signal: connection.signal, onActivity: alive },
      );
    } catch (error) {
      if (signal.aborted) return;
      // The session could not be renewed: the app is signing out; nothing to reconnect to.
      if (isApiError(error) && error.status === 401) return;
      // Anything else (network, 5xx, a silent connection the watchdog cut): reconnect below.
    } finally {
      clearTimeout(watchdog);
      signal.removeEventListener('abort', onStop);
      connection.abort();
    }
    if (signal.aborted) return;
    await sleep(delay(failures), signal);
    failures += 1;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Actions (optimistic: the bell reacts at once; the answer or a refetch settles it)

type NotificationPage = Page<Notification>;

function patchPages(queryClient: QueryClient, change: (n: Notification) => Notification | null) {
  queryClient.setQueriesData<NotificationPage>({ queryKey: [...queryKeys.notifications, 'page'] }, (page) => {
    if (!page) return page;
    const results: Notification[] = [];
    let removed = 0;
    for (const item of page.results) {
      const next = change(item);
      if (next) results.push(next);
      else removed += 1;
    }
    return { ...page, results, count: Math.max(0, page.count - removed) };
  });
}

function setUnread(queryClient: QueryClient, update: (n: number) => number) {
  queryClient.setQueryData<{ unread: number }>(queryKeys.unreadCount, (old) =>
    old ? { unread: Math.max(0, update(old.unread)) } : old,
  );
}

export function useNotificationActions() {
  const queryClient = useQueryClient();
  const settle = () => refreshNotifications(queryClient);

  const markRead = useMutation({
    mutationFn: (n: Notification) => api.post('/api/v1/notifications/{id}/read', { path: { id: n.id } }),
    onMutate: (n) => {
      if (n.is_read) return;
      patchPages(queryClient, (item) => (item.id === n.id ? { ...item, is_read: true } : item));
      setUnread(queryClient, (c) => c - 1);
    },
    onSettled: settle,
  });

  const markAllRead = useMutation({
    mutationFn: () => api.post('/api/v1/notifications/mark_all_read'),
    onMutate: () => {
      patchPages(queryClient, (item) => ({ ...item, is_read: true }));
      setUnread(queryClient, () => 0);
    },
    onSettled: settle,
  });

  const remove = useMutation({
    mutationFn: (n: Notification) => api.delete('/api/v1/notifications/{id}', { path: { id: n.id } }),
    onMutate: (n) => {
      patchPages(queryClient, (item) => (item.id === n.id ? null : item));
      if (!n.is_read) setUnread(queryClient, (c) => c - 1);
    },
    onSettled: settle,
  });

  return { markRead, markAllRead, remove };
}

/** An in-app route from a notification, or null for anything that is not a plain path of this app. */
export function safeRoute(route: string | null | undefined): string | null {
  if (!route || !route.startsWith('/') || route.startsWith('//') || route.includes('\\')) return null;
  return route;
}
