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
    useAuthStore.setState({ access: null, refresh: null, user: null, notice: null });
  });

  it('keeps a session and persists tokens and user to localStorage', () => {
    useAuthStore.getState().setSession({ access: 'A', refresh: 'R', user });
    expect(isSignedIn(useAuthStore.getState())).toBe(true);
    expect(stored()?.state).toEqual({ access: 'A', refresh: 'R', user });
  });

  it('always replaces both tokens on refresh (rotation)', () => {
    useAuthStore.getState().setSession({ access: 'A', refresh: 'R', user });
    useAuthStore.getState().setTokens({ access: 'A2', refresh: 'R2' });
    const s = useAuthStore.getState();
    expect([s.access, s.refresh, s.user?.email]).toEqual(['A2', 'R2', 'ann@example.com']);
    expect(stored()?.state).toMatchObject({ access: 'A2', refresh: 'R2' });
  });

  it('signs out: clears tokens, keeps the notice in memory only', () => {
    useAuthStore.getState().setSession({ access: 'A', refresh: 'R', user });
    useAuthStore.getState().signOut('Your session has expired.');
    const s = useAuthStore.getState();
    expect(isSignedIn(s)).toBe(false);
    expect(s.user).toBeNull();
    expect(s.notice).toBe('Your session has expired.');
    expect(stored()?.state).toEqual({ access: null, refresh: null, user: null });
    s.clearNotice();
    expect(useAuthStore.getState().notice).toBeNull();
  });

  it('restores a persisted session on rehydration', async () => {
    localStorage.setItem(AUTH_STORAGE_KEY, JSON.stringify({ state: { access: 'X', refresh: 'Y', user }, version: 0 }));
    await useAuthStore.persist.rehydrate();
    expect(useAuthStore.getState().access).toBe('X');
    expect(useAuthStore.getState().refresh).toBe('Y');
    expect(useAuthStore.getState().user?.first_name).toBe('Ann');
  });

  it('counts a refresh token alone as signed in (the access token is renewed on first use)', () => {
    expect(isSignedIn({ access: null, refresh: 'R' })).toBe(true);
    expect(isSignedIn({ access: null, refresh: null })).toBe(false);
  });
});
