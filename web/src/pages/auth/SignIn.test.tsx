import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import SignIn from './SignIn';

const user = {
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
const session = { user, account: { id: 1 }, access: 'A1', access_expires_at: '', refresh_expires_at: '', session_id: 5 };
const challenge = { two_factor_required: true, enrolment_required: false, challenge: 'CH', expires_at: '' };

describe('sign in with a second step', () => {
  beforeEach(() => {
    localStorage.clear();
    useAuthStore.setState({ access: null, refresh: null, user: null, sessionId: null, notice: null });
  });

  it('asks for the code after the password and signs in with it; the cookie mode is asked for', async () => {
    const fetchMock = routeFetch({
      'POST /api/v1/auth/login/': () => jsonResponse(202, { success: true, data: challenge, request_id: 'r' }),
      'POST /api/v1/auth/login/two_factor/': (_, init) =>
        JSON.parse(String(init?.body)).code === '123456'
          ? jsonResponse(200, { success: true, data: session, request_id: 'r' })
          : jsonResponse(400, { success: false, error: 'The code is not correct.', code: 'VALIDATION_ERROR', errors: { code: ['The code is not correct.'] }, request_id: 'r' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<SignIn />, { route: '/signin' });
    await userEvent.type(screen.getByLabelText('Email'), 'ann@example.com');
    await userEvent.type(screen.getByLabelText(/^Password/), 'a good password');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    const code = await screen.findByLabelText('Authentication code');
    expect(useAuthStore.getState().access).toBeNull();
    await userEvent.type(code, '000000');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    expect(await screen.findByText('The code is not correct.')).toBeTruthy();
    await userEvent.clear(code);
    await userEvent.type(code, '123456');
    await userEvent.click(screen.getByRole('button', { name: 'Verify' }));
    await waitFor(() => expect(useAuthStore.getState().access).toBe('A1'));
    expect(useAuthStore.getState().sessionId).toBe(5);
    const [, init] = fetchMock.mock.calls[0]!;
    expect((init?.headers as Record<string, string>)['X-Refresh-Mode']).toBe('cookie');
    expect(JSON.parse(String(fetchMock.mock.calls[2]![1]?.body))).toEqual({ challenge: 'CH', code: '123456' });
  });
});
