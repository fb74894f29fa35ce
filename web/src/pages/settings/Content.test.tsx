import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { renderWithProviders } from '../../test/render';
import { envelope } from '../../test/sse';
import { bodyOf, callsTo, writerServer } from '../../test/writer';
import ContentSettingsPage from './Content';

const SETTINGS = {
  tone: 'clear and friendly',
  default_words: 1500,
  extra_instructions: '',
  author_profile: '',
  in_article_images: 2,
  image_style: 'photographic',
};

describe('Settings → Content', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useToastStore.setState({ toasts: [] });
  });

  it('shows the writing defaults and saves them with PUT', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/settings/': () => envelope(SETTINGS),
      'PUT /api/v1/writer/settings/': (_, init) => envelope({ ...SETTINGS, ...(JSON.parse(String(init?.body)) as object) }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ContentSettingsPage />);
    const tone = await screen.findByLabelText('Tone');
    expect((tone as HTMLInputElement).value).toBe('clear and friendly');
    expect(screen.getByRole('button', { name: 'Save changes' }).hasAttribute('disabled')).toBe(true);
    fireEvent.change(tone, { target: { value: 'warm' } });
    await userEvent.selectOptions(screen.getByLabelText('In-article images'), '4');
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() =>
      expect(bodyOf(fetchMock, 'PUT /api/v1/writer/settings/')).toEqual({ ...SETTINGS, tone: 'warm', in_article_images: 4 }),
    );
    await waitFor(() => expect(useToastStore.getState().toasts.map((t) => t.message)).toContain('Content settings saved.'));
  });

  it('checks the length range before asking', async () => {
    const fetchMock = writerServer({ 'GET /api/v1/writer/settings/': () => envelope(SETTINGS) });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ContentSettingsPage />);
    fireEvent.change(await screen.findByLabelText('Default length (words)'), { target: { value: '100' } });
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(screen.getByText('Use 300 to 6000 words.')).toBeTruthy();
    expect(callsTo(fetchMock, 'PUT /api/v1/writer/settings/')).toBe(0);
  });

  it('is read-only for viewers', async () => {
    vi.stubGlobal('fetch', writerServer({ 'GET /api/v1/writer/settings/': () => envelope(SETTINGS) }, 'viewer'));
    renderWithProviders(<ContentSettingsPage />);
    expect((await screen.findByLabelText('Tone')).closest('fieldset')?.disabled).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save changes' })).toBeNull();
  });
});
