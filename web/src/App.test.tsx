import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppRoutes, makeQueryClient } from './App';
import { useAuthStore } from './stores/auth';

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
