// The app's API client, wired to the auth store. The refresh token is an HttpOnly cookie (see stores/auth.ts).
import { createApiClient } from './client';
import { useAuthStore } from '../stores/auth';

export const api = createApiClient({
  getAccessToken: () => useAuthStore.getState().access,
  // The token itself is out of reach (HttpOnly cookie); someone signed in means the cookie may be there.
  getRefreshToken: () => {
    const { refresh, user } = useAuthStore.getState();
    return refresh ?? (user ? 'cookie' : null);
  },
  refreshWithCookie: true,
  onTokens: (tokens) => useAuthStore.getState().setTokens(tokens),
  onSessionExpired: (message) => useAuthStore.getState().signOut(message),
});

export { ApiError, isApiError } from './client';
export type { Page } from './client';
