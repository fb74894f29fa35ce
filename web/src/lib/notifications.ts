// Notifications: the live stream that keeps the bell current, and the read/delete actions.
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api';
import { isApiError, type Page } from '../api/client';
import { applyCounts, isLiveCounts, queryKeys, refreshCredits, refreshNotifications } from '../api/queries';
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

let streamLive = false;

/**
 * Whether the notification stream is connected: while it is, the bell's count and the credit badge follow its
 * `counts` events, and nothing else needs to ask for them.
 */
export function isNotificationStreamLive(): boolean {
  return streamLive;
}

function applyCountsFrom(queryClient: QueryClient, data: string): boolean {
  try {
    const value = JSON.parse(data) as unknown;
    if (!isLiveCounts(value)) return false;
    applyCounts(queryClient, value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Keeps the account's notification stream open while mounted: `ready` and `counts` events carry the unread count
 * and the credit balance (put in the cache, no request), each `notification` event refreshes the open notification
 * lists; a dropped or silent connection reconnects with backoff, and a reconnect catches up on what was missed
 * meanwhile.
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
            streamLive = true;
            // `ready` carries the counts; the lists may have missed notifications while disconnected.
            if (!applyCountsFrom(queryClient, event.data)) {
              refreshCredits(queryClient);
              refreshNotifications(queryClient, { unread: true });
            } else if (connectedBefore) {
              refreshNotifications(queryClient);
            }
            connectedBefore = true;
          } else if (event.event === 'counts') {
            // After a notification or a finished task: the bell's count and the credit balance, as they are now.
            applyCountsFrom(queryClient, event.data);
          } else if (event.event === 'notification') {
            // The count comes in the `counts` event that follows; only the lists need asking again.
            refreshNotifications(queryClient);
          } else if (event.event === 'resync') {
            refreshNotifications(queryClient, { unread: true });
            refreshCredits(queryClient);
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
      streamLive = false;
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
  const settle = () => refreshNotifications(queryClient, { unread: true });

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
    // Done, nothing is unread: only the lists are asked again (a failure asks for the count too).
    onSuccess: () => refreshNotifications(queryClient),
    onError: settle,
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
