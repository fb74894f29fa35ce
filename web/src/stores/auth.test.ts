import { beforeEach, describe, expect, it } from 'vitest';
import type { User } from '../api/types';
import { AUTH_STORAGE_KEY, isSignedIn, useAuthStore } from './auth';

const user: User = {
  id: 1,
  email: 'ann@example.com',
  first_name: 'Ann',
  last_name: 'Lee',
  role: 'owner',
  is_active: true,
  account_id: 1,
  last_login_at: null,
  created_at: '2026-11-25T00:00:00Z',
};

const stored = () => JSON.parse(localStorage.getItem(AUTH_STORAGE_KEY) ?? 'null') as { state: Record<string, unknown> } | null;

describe('auth store', () => {
  beforeEach(() => {
    localStorage.clear();
    useAuthStore.setState({ access: null, refresh: null, user: null, sessionId: null, notice: null });
  });

  it('keeps the access token in memory only; localStorage holds just the user', () => {
    useAuthStore.getState().setSession({ access: 'A', user, session_id: 7 });
    const s = useAuthStore.getState();
    expect(isSignedIn(s)).toBe(true);
    expect([s.access, s.sessionId]).toEqual(['A', 7]);
    expect(stored()?.state).toEqual({ user });
    expect(localStorage.getItem(AUTH_STORAGE_KEY)).not.toContain('"A"');
  });

  it('replaces the access token on refresh', () => {
    useAuthStore.getState().setSession({ access: 'A', user, session_id: 7 });
    useAuthStore.getState().setTokens({ access: 'A2' });
    const s = useAuthStore.getState();
    expect([s.access, s.sessionId, s.user?.email]).toEqual(['A2', 7, 'ann@example.com']);
  });

  it('signs out: clears the token and the user, keeps the notice in memory only', () => {
    useAuthStore.getState().setSession({ access: 'A', user });
    useAuthStore.getState().signOut('Your session has expired.');
    const s = useAuthStore.getState();
    expect(isSignedIn(s)).toBe(false);
    expect(s.user).toBeNull();
    expect(s.notice).toBe('Your session has expired.');
    expect(stored()?.state).toEqual({ user: null });
    s.clearNotice();
    expect(useAuthStore.getState().notice).toBeNull();
  });

  it('restores who was signed in on rehydration, without any token', async () => {
    localStorage.setItem(AUTH_STORAGE_KEY, JSON.stringify({ state: { user }, version: 1 }));
    await useAuthStore.persist.rehydrate();
    expect(useAuthStore.getState().user?.first_name).toBe('Ann');
    expect(useAuthStore.getState().access).toBeNull();
  });

  it('drops the tokens an earlier version kept in localStorage', async () => {
    localStorage.setItem(AUTH_STORAGE_KEY, JSON.stringify({ state: { access: 'X', refresh: 'Y', user }, version: 0 }));
    await useAuthStore.persist.rehydrate();
    const s = useAuthStore.getState() as unknown as Record<string, unknown>;
    expect(s.access).toBeNull();
    expect(s.refresh).toBeNull();
    expect((s.user as User).first_name).toBe('Ann');
    expect(localStorage.getItem(AUTH_STORAGE_KEY)).not.toContain('"Y"');
  });

  it('counts a remembered user as signed in (the cookie renews the access token on first use)', () => {
    expect(isSignedIn({ access: null, user })).toBe(true);
    expect(isSignedIn({ access: null, user: null })).toBe(false);
  });
});
