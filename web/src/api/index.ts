// The app's API client, wired to the auth store.
import { createApiClient } from './client';
import { useAuthStore } from '../stores/auth';

export const api = createApiClient({
  getAccessToken: () => useAuthStore.getState().access,
  getRefreshToken: () => useAuthStore.getState().refresh,
  onTokens: (tokens) => useAuthStore.getState().setTokens(tokens),
  onSessionExpired: (message) => useAuthStore.getState().signOut(message),
});

export { ApiError, isApiError } from './client';
export type { Page } from './client';
