// TanStack Query hooks for the resources the shell uses.
//
// The session's own state (who is signed in, the credit balance, the unread count) is asked once and shared by
// every component that shows it: the notification stream keeps the balance and the count current (its `counts`
// events), so nothing asks again after each task or page; `me` changes only when the user edits it.
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from './index';
import type { CreditBalance, Me } from './types';

/** Long enough that a walk through the app reuses one answer; the stream or an edit refreshes them. */
const SESSION_STALE_MS = 5 * 60_000;

export const queryKeys = {
  me: ['me'] as const,
  sites: ['sites'] as const,
  sitesAll: ['sites', 'all'] as const,
  sitesPage: (params: object) => ['sites', 'page', params] as const,
  site: (id: number) => ['site', id] as const,
  siteSectors: (id: number) => ['site', id, 'sectors'] as const,
  industries: ['industries'] as const,
  team: ['team'] as const,
  account: ['account'] as const,
  balance: ['billing', 'balance'] as const,
  notifications: ['notifications'] as const,
  unreadCount: ['notifications', 'unread'] as const,
  notificationsPage: (params: object) => ['notifications', 'page', params] as const,
  task: (id: number) => ['task', id] as const,
};

export function useMe() {
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.get('/api/v1/auth/me'), staleTime: SESSION_STALE_MS });
}

/** Every site the user can see (one page of up to 200: plans allow far fewer). */
export function useAllSites() {
  return useQuery({
    queryKey: queryKeys.sitesAll,
    queryFn: () => api.get('/api/v1/auth/sites', { query: { page_size: 200, ordering: 'name' } }),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
  });
}

export function useSite(id: number | null) {
  return useQuery({
    queryKey: queryKeys.site(id ?? 0),
    queryFn: () => api.get('/api/v1/auth/sites/{id}', { path: { id: id ?? 0 } }),
    enabled: id !== null,
  });
}

export function useSiteSectors(id: number | null) {
  return useQuery({
    queryKey: queryKeys.siteSectors(id ?? 0),
    queryFn: () => api.get('/api/v1/auth/sites/{id}/sectors', { path: { id: id ?? 0 } }),
    enabled: id !== null,
    staleTime: 30_000,
  });
}

export function useIndustries() {
  return useQuery({
    queryKey: queryKeys.industries,
    queryFn: () => api.get('/api/v1/auth/industries', { auth: false }),
    staleTime: 10 * 60_000,
  });
}

export function useTeam() {
  return useQuery({ queryKey: queryKeys.team, queryFn: () => api.get('/api/v1/account/team') });
}

export function useAccountSettings() {
  return useQuery({ queryKey: queryKeys.account, queryFn: () => api.get('/api/v1/account/settings') });
}

/** Plan + bonus credits (the header badge). Kept current by the notification stream's `counts` events. */
export function useCreditBalance() {
  return useQuery({
    queryKey: queryKeys.balance,
    queryFn: () => api.get('/api/v1/billing/credits/balance'),
    staleTime: SESSION_STALE_MS,
  });
}

export function useUnreadCount() {
  return useQuery({
    queryKey: queryKeys.unreadCount,
    queryFn: () => api.get('/api/v1/notifications/unread_count'),
    staleTime: SESSION_STALE_MS,
  });
}

export interface NotificationQuery {
  page?: number;
  page_size?: number;
  is_read?: boolean;
}

export function useNotifications(params: NotificationQuery, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: queryKeys.notificationsPage(params),
    queryFn: () => api.get('/api/v1/notifications', { query: params }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

/**
 * Something changed the balance and no live stream says so: ask again. Several callers at once share one request
 * (an answer in flight is not cancelled and asked for again).
 */
export function refreshCredits(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.balance }, { cancelRefetch: false });
}

/** The notification lists (not the unread count, which the stream carries) are out of date. */
export function refreshNotifications(queryClient: QueryClient, { unread = false }: { unread?: boolean } = {}) {
  void queryClient.invalidateQueries({ queryKey: [...queryKeys.notifications, 'page'] }, { cancelRefetch: false });
  if (unread) void queryClient.invalidateQueries({ queryKey: queryKeys.unreadCount }, { cancelRefetch: false });
}

/** The stream's `counts` event: the unread count and the balance as their endpoints answer them. */
export interface LiveCounts {
  unread: number;
  balance: CreditBalance;
}

export function isLiveCounts(value: unknown): value is LiveCounts {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const balance = v.balance as Record<string, unknown> | undefined;
  return typeof v.unread === 'number' && typeof balance === 'object' && balance !== null && typeof balance.total === 'number';
}

/** Puts live counts in the cache: the badge, the bell and the account's credits in `me` change without a request. */
export function applyCounts(queryClient: QueryClient, counts: LiveCounts) {
  queryClient.setQueryData(queryKeys.unreadCount, { unread: counts.unread });
  queryClient.setQueryData(queryKeys.balance, counts.balance);
  queryClient.setQueryData<Me>(queryKeys.me, (me) =>
    me
      ? { ...me, account: { ...me.account, credits: counts.balance.credits, bonus_credits: counts.balance.bonus_credits } }
      : me,
  );
}
