// TanStack Query hooks for the resources the shell uses.
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import { api } from './index';

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
  return useQuery({ queryKey: queryKeys.me, queryFn: () => api.get('/api/v1/auth/me'), staleTime: 30_000 });
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

/** Plan + bonus credits (the header badge). Refreshed when a task ends or a notification arrives. */
export function useCreditBalance() {
  return useQuery({
    queryKey: queryKeys.balance,
    queryFn: () => api.get('/api/v1/billing/credits/balance'),
    staleTime: 30_000,
  });
}

export function useUnreadCount() {
  return useQuery({
    queryKey: queryKeys.unreadCount,
    queryFn: () => api.get('/api/v1/notifications/unread_count'),
    staleTime: 30_000,
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

/** Something changed the balance (a task ended, a notification arrived): ask again. */
export function refreshCredits(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.balance });
  void queryClient.invalidateQueries({ queryKey: queryKeys.me });
}

export function refreshNotifications(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
}
