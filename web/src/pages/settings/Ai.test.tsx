import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope, fakeSse, makeTask } from '../../test/sse';
import AiSettings from './Ai';

function me(role: string) {
  return jsonResponse(200, {
    success: true,
    data: {
      user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role, is_active: true, account_id: 1 },
      account: { id: 1, name: 'Acme', credits: 0, bonus_credits: 0 },
    },
  });
}

const balance = (total: number) =>
  jsonResponse(200, {
    success: true,
    data: { credits: total, bonus_credits: 0, total, plan_included_credits: 150, plan: 'free', used_this_period: 0 },
  });

const MODELS = [
  { id: 1, provider: 'offline', model_id: 'offline', display_name: 'Offline drafts', model_type: 'text', tokens_per_credit: 1000, credits_per_image: 0, is_default: true },
  { id: 2, provider: 'offline', model_id: 'offline-image', display_name: 'Offline title cards', model_type: 'image', tokens_per_credit: 1000, credits_per_image: 1, is_default: false },
];
const models = () => envelope(MODELS);

describe('Settings → AI', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('runs the connection test and follows it in the progress modal', async () => {
    const stream = fakeSse();
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me('editor'),
      'GET /api/v1/billing/credits/balance/': () => balance(150),
      'GET /api/v1/system/ai/models/': models,
      'POST /api/v1/system/ai/test_connection/': () => envelope(makeTask()),
      'GET /api/v1/tasks/7/events/': () => stream.response,
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<AiSettings />);
    expect(await screen.findByText(/150 available/)).toBeTruthy();
    expect(screen.getByText(/Costs 1 credit/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Test AI connection' }));
    const dialog = await screen.findByRole('dialog', { name: 'Testing the AI connection' });
    stream.send(
      'task',
      makeTask({
        status: 'succeeded',
        cost_credits: 1,
        result: { model: 'offline', tokens: 50 } as never,
        progress: { phase: 'DONE', percent: 100, current: 1, message: 'The model answered (50 tokens).' },
      }),
    );
    await waitFor(() =>
      expect(within(dialog).getByTestId('task-summary').textContent).toBe('The model answered (50 tokens). Model: offline.'),
    );
    expect(screen.getByTestId('last-check').textContent).toMatch(/The AI provider answered/);
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === 'POST');
    expect(post?.[1]?.body).toBe('{}');
  });

  it('says clearly when credits run short (402)', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/v1/auth/me/': () => me('owner'),
        'GET /api/v1/billing/credits/balance/': () => balance(5),
        'GET /api/v1/system/ai/models/': models,
        'POST /api/v1/system/ai/test_connection/': () =>
          jsonResponse(402, {
            success: false,
            error: 'Not enough credits.',
            code: 'INSUFFICIENT_CREDITS',
            required: 1,
            available: 0,
            request_id: 'r',
          }),
      }),
    );
    renderWithProviders(<AiSettings />);
    await screen.findByText(/5 available/);
    await userEvent.click(screen.getByRole('button', { name: 'Test AI connection' }));
    expect((await screen.findByTestId('insufficient-credits')).textContent).toBe(
      'Not enough credits: 1 required, 0 available.',
    );
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keeps the button disabled for viewers, with the reason', async () => {
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me('viewer'),
      'GET /api/v1/billing/credits/balance/': () => balance(150),
      'GET /api/v1/system/ai/models/': models,
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<AiSettings />);
    expect(await screen.findByTestId('viewer-note')).toBeTruthy();
    const button = screen.getByRole('button', { name: 'Test AI connection' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.parentElement?.getAttribute('title')).toMatch(/Viewers cannot run AI operations/);
  });

  it('lists the models the account can use with their credit rates', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/v1/auth/me/': () => me('owner'),
        'GET /api/v1/billing/credits/balance/': () => balance(150),
        'GET /api/v1/system/ai/models/': models,
      }),
    );
    renderWithProviders(<AiSettings />);
    const list = await screen.findByRole('list', { name: 'Available models' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toMatch(/Offline drafts.*offline\/offline.*Default.*1 credit per 1,000 tokens/);
    expect(rows[1]!.textContent).toMatch(/Offline title cards.*1 credit per image/);
  });
});
