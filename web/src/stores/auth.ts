import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { Session, User } from '../api/types';
import type { Tokens } from '../api/client';

export const AUTH_STORAGE_KEY = 'igny8.auth';

export interface AuthState {
  access: string | null;
  refresh: string | null;
  user: User | null;
  /** Why the last session ended (shown once on the sign-in page). Not persisted. */
  notice: string | null;
  setSession: (session: Pick<Session, 'access' | 'refresh' | 'user'>) => void;
  setTokens: (tokens: Tokens) => void;
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
      notice: null,
      setSession: ({ access, refresh, user }) => set({ access, refresh, user, notice: null }),
      // Refresh tokens rotate: the new one always replaces the spent one.
      setTokens: ({ access, refresh }) => set({ access, refresh }),
      setUser: (user) => set({ user }),
      signOut: (notice) => set({ access: null, refresh: null, user: null, notice: notice ?? null }),
      clearNotice: () => set({ notice: null }),
    }),
    {
      name: AUTH_STORAGE_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({ access: s.access, refresh: s.refresh, user: s.user }),
    },
  ),
);

export function isSignedIn(state: Pick<AuthState, 'access' | 'refresh'>): boolean {
  return Boolean(state.access || state.refresh);
}

/** Keeps tabs in step: a token rotated in one tab is picked up by the others (reusing a spent one signs out). */
export function syncAuthAcrossTabs(): () => void {
  const onStorage = (event: StorageEvent) => {
    if (event.key === AUTH_STORAGE_KEY) void useAuthStore.persist.rehydrate();
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
