import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { User } from '../api/types';
import type { Tokens } from '../api/client';

export const AUTH_STORAGE_KEY = 'igny8.auth';

/**
 * The signed-in session. The access token lives in memory only; the refresh token is an HttpOnly cookie no script
 * can read. Only the user (who is signed in, for the page chrome and other tabs) is kept in localStorage: after a
 * reload the first API call renews the access token with the cookie, or ends the session if that is refused.
 */
export interface AuthState {
  access: string | null;
  /**
   * A refresh token the server handed back in a body (API-style clients). The web app asks for the cookie, so this
   * stays null there; it is never persisted either way.
   */
  refresh: string | null;
  user: User | null;
  /** This sign-in's id in the sessions list. Not persisted. */
  sessionId: number | null;
  /** Why the last session ended (shown once on the sign-in page). Not persisted. */
  notice: string | null;
  setSession: (session: { access: string; refresh?: string | null; user: User; session_id?: number | null }) => void;
  setTokens: (tokens: Tokens & { session_id?: number | null }) => void;
  setUser: (user: User) => void;
  signOut: (notice?: string) => void;
  clearNotice: () => void;
}

export const useAuthStore = create<AuthState>()(
  persist(
    (set) => ({
      access: null,
      refresh: null,
      user: null,
      sessionId: null,
      notice: null,
      setSession: ({ access, refresh, user, session_id }) =>
        set({ access, refresh: refresh ?? null, user, sessionId: session_id ?? null, notice: null }),
      setTokens: ({ access, refresh, session_id }) =>
        set((s) => ({ access, refresh: refresh ?? null, sessionId: session_id ?? s.sessionId })),
      setUser: (user) => set({ user }),
      signOut: (notice) => set({ access: null, refresh: null, user: null, sessionId: null, notice: notice ?? null }),
      clearNotice: () => set({ notice: null }),
    }),
    {
      name: AUTH_STORAGE_KEY,
      version: 1,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ user: s.user }),
      // Version 0 kept both tokens in localStorage: drop them, keep who was signed in.
      migrate: (persisted) => {
        const old = (persisted ?? {}) as { user?: User | null };
        return { user: old.user ?? null } as Partial<AuthState>;
      },
      merge: (persisted, current) => ({ ...current, user: (persisted as Partial<AuthState> | undefined)?.user ?? null }),
    },
  ),
);

/** Signed in: an access token in memory, or a user whose cookie session the first call will renew. */
export function isSignedIn(state: Pick<AuthState, 'access' | 'user'> & { refresh?: string | null }): boolean {
  return Boolean(state.access || state.refresh || state.user);
}

/** Keeps tabs in step: signing out in one tab signs out the others. */
export function syncAuthAcrossTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key !== AUTH_STORAGE_KEY) return;
    void useAuthStore.persist.rehydrate();
    // Another tab signed out (or in as someone else): this tab's access token is not theirs.
    const stored = (() => {
      try {
        return (JSON.parse(event.newValue ?? 'null') as { state?: { user?: User | null } } | null)?.state?.user ?? null;
      } catch {
        return null;
      }
    })();
    const current = useAuthStore.getState();
    if (!stored || (current.user && stored.id !== current.user.id)) {
      useAuthStore.setState({ access: null, refresh: null, sessionId: null, user: stored });
    }
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
