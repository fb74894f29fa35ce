import { QueryClientProvider, useQuery } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes, makeQueryClient } from './App';
import { api } from './api';
import { useAuthStore } from './stores/auth';
import { useToastStore } from './stores/toast';

function renderAt(route: string) {
  return render(
    <QueryClientProvider client={makeQueryClient()}>
      <MemoryRouter initialEntries={[route]}>
        <AppRoutes />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe('routes', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: null, refresh: null, user: null, notice: null });
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 500 })));
  });

  it('sends a signed-out visitor of a protected page to sign in', async () => {
    renderAt('/settings/team');
    expect(await screen.findByRole('heading', { name: 'Sign in to IGNY8' })).toBeTruthy();
  });

  it('shows why the session ended, once', async () => {
    useAuthStore.setState({ notice: 'Your session has expired. Please sign in again.' });
    renderAt('/writer/tasks');
    expect(await screen.findByText('Your session has expired. Please sign in again.')).toBeTruthy();
    expect(useAuthStore.getState().notice).toBeNull();
  });

  it('words the reset page for invitations', async () => {
    renderAt('/reset-password?token=abc&invite=1');
    expect(await screen.findByRole('heading', { name: 'Set your password' })).toBeTruthy();
  });
});

describe('rate limits', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useToastStore.setState({ toasts: [] });
  });

  it('a read still refused after the wait is asked again is shown once', async () => {
    const refused = () =>
      new Response(JSON.stringify({ success: false, error: 'Too many requests; try again in 1 s.', code: 'RATE_LIMITED', retry_after: 0 }), {
        status: 429,
        headers: { 'Content-Type': 'application/json', 'Retry-After': '0' },
      });
    const fetchMock = vi.fn(async () => refused());
    vi.stubGlobal('fetch', fetchMock);
    const queryClient = makeQueryClient();
    function Clusters() {
      const first = useQuery({ queryKey: ['a'], queryFn: () => api.get('/api/v1/planner/clusters') });
      const second = useQuery({ queryKey: ['b'], queryFn: () => api.get('/api/v1/planner/ideas') });
      return <p>{first.status} {second.status}</p>;
    }
    render(
      <QueryClientProvider client={queryClient}>
        <Clusters />
      </QueryClientProvider>,
    );
    expect(await screen.findByText('error error')).toBeTruthy();
    // Each read was asked twice (once after the wait), and the refusal is shown once.
    expect(fetchMock).toHaveBeenCalledTimes(4);
    expect(useToastStore.getState().toasts.map((t) => [t.kind, t.message])).toEqual([['error', 'Too many requests; try again in 1 s.']]);
  });
});
