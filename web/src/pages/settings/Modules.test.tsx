import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import ModulesSettings from './Modules';

const MODULES = { automation: true, linker: false, optimizer: false, planner: true, publisher: true, writer: true };

function me(role: string) {
  return envelope({
    user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role, is_active: true, account_id: 1 },
    account: { id: 1, name: 'Acme', credits: 0, bonus_credits: 0 },
  });
}

const switchFor = (name: string) => screen.getByRole('switch', { name });
const puts = (fetchMock: ReturnType<typeof routeFetch>) =>
  fetchMock.mock.calls.filter(([, init]) => init?.method === 'PUT').map(([, init]) => JSON.parse(String(init?.body)) as unknown);

describe('Settings → Modules', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useToastStore.setState({ toasts: [] });
  });

  it('shows every module with its state and saves one switch with PUT {modules: {name: bool}}', async () => {
    let state = { ...MODULES };
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me('admin'),
      'GET /api/v1/system/settings/modules/': () => envelope({ modules: state }),
      'PUT /api/v1/system/settings/modules/': (_, init) => {
        state = { ...state, ...(JSON.parse(String(init?.body)) as { modules: object }).modules };
        return envelope({ modules: state });
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ModulesSettings />);

    await screen.findByRole('switch', { name: 'Writer' });
    expect(screen.getByText(/hidden from the navigation and refused by the API/)).toBeTruthy();
    const states = Object.fromEntries(
      ['Planner', 'Writer', 'Automation', 'Publisher', 'Linker', 'Optimizer'].map((n) => [n, switchFor(n).getAttribute('aria-checked')]),
    );
    expect(states).toEqual({
      Planner: 'true',
      Writer: 'true',
      Automation: 'true',
      Publisher: 'true',
      Linker: 'false',
      Optimizer: 'false',
    });
    expect(screen.queryByText('Read-only')).toBeNull();

    await userEvent.click(switchFor('Writer'));
    await waitFor(() => expect(puts(fetchMock)).toEqual([{ modules: { writer: false } }]));
    await waitFor(() => expect(switchFor('Writer').getAttribute('aria-checked')).toBe('false'));
    expect(within(screen.getByTestId('module-writer')).getByText('Off')).toBeTruthy();
    await waitFor(() =>
      expect(useToastStore.getState().toasts.map((t) => t.message)).toContain(
        'Writer switched off: hidden from the navigation and refused by the API.',
      ),
    );

    await userEvent.click(switchFor('Linker'));
    await waitFor(() => expect(puts(fetchMock)).toEqual([{ modules: { writer: false } }, { modules: { linker: true } }]));
    await waitFor(() => expect(switchFor('Linker').getAttribute('aria-checked')).toBe('true'));
  });

  it('is read-only for a viewer: switches disabled, nothing sent', async () => {
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me('viewer'),
      'GET /api/v1/system/settings/modules/': () => envelope({ modules: MODULES }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ModulesSettings />);

    await screen.findByText('Read-only');
    expect(screen.getByText(/Only account owners and admins can switch modules/)).toBeTruthy();
    const switches = screen.getAllByRole('switch');
    expect(switches).toHaveLength(6);
    expect(switches.every((s) => (s as HTMLButtonElement).disabled)).toBe(true);
    await userEvent.click(switchFor('Planner'));
    expect(puts(fetchMock)).toEqual([]);
    expect(switchFor('Planner').getAttribute('aria-checked')).toBe('true');
  });

  it("shows the server's message when the save is refused (403) and keeps the old state", async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/v1/auth/me/': () => me('owner'),
        'GET /api/v1/system/settings/modules/': () => envelope({ modules: MODULES }),
        'PUT /api/v1/system/settings/modules/': () =>
          jsonResponse(403, { success: false, error: 'Only account owners and admins can do this.', code: 'PERMISSION_DENIED' }),
      }),
    );
    renderWithProviders(<ModulesSettings />);
    await userEvent.click(await screen.findByRole('switch', { name: 'Planner' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Only account owners and admins can do this.');
    await waitFor(() => expect(switchFor('Planner').getAttribute('aria-checked')).toBe('true'));
    expect(useToastStore.getState().toasts).toEqual([]);
  });
});
