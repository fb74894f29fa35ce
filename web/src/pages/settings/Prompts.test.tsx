import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Prompt } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { jsonResponse, renderWithProviders, routeFetch } from '../../test/render';
import { envelope } from '../../test/sse';
import PromptsSettings, { placeholdersIn } from './Prompts';

const CLUSTERING: Prompt = {
  prompt_type: 'clustering',
  label: 'Keyword clustering',
  prompt_value: 'Group these keywords:\n{keywords}',
  default_value: 'Group these keywords:\n{keywords}',
  source: 'default',
  is_customized: false,
  updated_at: null,
  variables: [
    { name: 'keywords', required: true, description: 'The keywords, one per line' },
    { name: 'sector', required: false, description: 'The sector' },
  ],
};
const IDEAS: Prompt = {
  prompt_type: 'ideas',
  label: 'Content ideas with outlines',
  prompt_value: 'My own ideas prompt for {cluster_name}: {keywords}',
  default_value: 'Write ideas for {cluster_name}: {keywords}',
  source: 'account',
  is_customized: true,
  updated_at: '2026-11-25T10:00:00Z',
  variables: [
    { name: 'cluster_name', required: true, description: 'The cluster' },
    { name: 'keywords', required: true, description: 'Its keywords' },
  ],
};

function me(role = 'owner') {
  return envelope({
    user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role, is_active: true, account_id: 1 },
    account: { id: 1, name: 'Acme', credits: 0, bonus_credits: 0 },
  });
}

describe('Settings → Prompts', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('lists the prompt types with their source and shows the placeholders of the chosen one', async () => {
    vi.stubGlobal('fetch', routeFetch({ 'GET /api/v1/auth/me/': () => me(), 'GET /api/v1/system/prompts/': () => envelope([CLUSTERING, IDEAS]) }));
    renderWithProviders(<PromptsSettings />);
    const nav = await screen.findByRole('navigation', { name: 'Prompt types' });
    expect(within(nav).getAllByRole('button').map((b) => b.textContent)).toEqual([
      'Keyword clusteringDefault',
      'Content ideas with outlinesAccount',
    ]);
    const placeholders = screen.getByRole('list', { name: 'Placeholders' });
    expect(within(placeholders).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      '{keywords}Required. The keywords, one per line',
      '{sector}The sector',
    ]);
    // Inserting a placeholder puts it into the text (at the cursor; here the end).
    const text = screen.getByLabelText('Prompt text') as HTMLTextAreaElement;
    text.setSelectionRange(text.value.length, text.value.length);
    await userEvent.click(within(placeholders).getByRole('button', { name: '{sector}' }));
    expect(text.value).toBe('Group these keywords:\n{keywords}{sector}');
    expect(screen.getByText('Unsaved')).toBeTruthy();
  });

  it('shows the API’s validation error on the field and keeps the text', async () => {
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me(),
      'GET /api/v1/system/prompts/': () => envelope([CLUSTERING, IDEAS]),
      'PUT /api/v1/system/prompts/clustering/': () =>
        jsonResponse(400, {
          success: false,
          error: 'Unknown placeholder {bogus}.',
          code: 'VALIDATION_ERROR',
          errors: { prompt_value: ['Unknown placeholder {bogus}; this prompt can use {keywords}, {sector}.'] },
        }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<PromptsSettings />);
    const text = (await screen.findByLabelText('Prompt text')) as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: 'Hello {bogus}' } });
    // The page already warns about what it can see before asking the server.
    expect(screen.getByText('Missing: {keywords}. Not available here: {bogus}.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    const message = await screen.findByText('Unknown placeholder {bogus}; this prompt can use {keywords}, {sector}.');
    expect(text.getAttribute('aria-invalid')).toBe('true');
    expect(text.getAttribute('aria-describedby')).toContain(message.id);
    expect(text.value).toBe('Hello {bogus}');
    const put = fetchMock.mock.calls.find(([, init]) => init?.method === 'PUT')!;
    expect(JSON.parse(String(put[1]?.body))).toEqual({ prompt_value: 'Hello {bogus}' });
  });

  it('saves a change and shows the account as the source', async () => {
    vi.stubGlobal(
      'fetch',
      routeFetch({
        'GET /api/v1/auth/me/': () => me(),
        'GET /api/v1/system/prompts/': () => envelope([CLUSTERING]),
        'PUT /api/v1/system/prompts/clustering/': (_url, init) =>
          envelope({ ...CLUSTERING, ...(JSON.parse(String(init?.body)) as object), source: 'account', is_customized: true, updated_at: '2026-11-25T12:00:00Z' }),
      }),
    );
    renderWithProviders(<PromptsSettings />);
    const text = (await screen.findByLabelText('Prompt text')) as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: 'Cluster {keywords} for {sector}' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(within(screen.getByTestId('prompt-editor').closest('section')!).getByText('Account')).toBeTruthy());
    expect(screen.queryByText('Unsaved')).toBeNull();
    expect((screen.getByRole('button', { name: 'Reset to default' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('resets an account prompt to the default after confirming', async () => {
    const fetchMock = routeFetch({
      'GET /api/v1/auth/me/': () => me(),
      'GET /api/v1/system/prompts/': () => envelope([CLUSTERING, IDEAS]),
      'POST /api/v1/system/prompts/ideas/reset/': () =>
        envelope({ ...IDEAS, prompt_value: IDEAS.default_value, source: 'default', is_customized: false, updated_at: null }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<PromptsSettings />, { route: '/settings/prompts?type=ideas' });
    const text = (await screen.findByLabelText('Prompt text')) as HTMLTextAreaElement;
    expect(text.value).toBe(IDEAS.prompt_value);
    await userEvent.click(screen.getByRole('button', { name: 'Reset to default' }));
    const dialog = await screen.findByRole('dialog', { name: 'Reset this prompt?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reset' }));
    await waitFor(() => expect(text.value).toBe(IDEAS.default_value));
    expect(fetchMock.mock.calls.some(([u, init]) => String(u).endsWith('/prompts/ideas/reset/') && init?.method === 'POST')).toBe(true);
    expect((screen.getByRole('button', { name: 'Reset to default' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('is read-only for viewers', async () => {
    vi.stubGlobal('fetch', routeFetch({ 'GET /api/v1/auth/me/': () => me('viewer'), 'GET /api/v1/system/prompts/': () => envelope([CLUSTERING]) }));
    renderWithProviders(<PromptsSettings />);
    const text = (await screen.findByLabelText('Prompt text')) as HTMLTextAreaElement;
    await waitFor(() => expect(text.readOnly).toBe(true));
    expect((screen.getByRole('button', { name: 'Save' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('placeholdersIn', () => {
  it('finds {name} placeholders but not JSON braces', () => {
    expect(placeholdersIn('Use {keywords} and {sector}; answer {"clusters": [{"name": "x"}]} {keywords}')).toEqual(['keywords', 'sector']);
  });
});
