import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { renderWithProviders } from '../../test/render';
import { envelope, fakeSse, makeTask } from '../../test/sse';
import { bodyOf, makeContent, makeGroup, makeImage, page, writerServer } from '../../test/writer';
import ImagesPage from './Images';

const WITH_IMAGES = makeContent({ id: 5, title: 'Meditation basics' });
const WITHOUT = makeContent({ id: 6, title: 'Breathing for calm' });

const GROUPS = [
  makeGroup(WITH_IMAGES, makeImage({ id: 1, status: 'generated', width: 1536, height: 1024, file_url: '/api/v1/writer/images/1/file/?expires=1&sig=a' }), [
    makeImage({ id: 2, image_type: 'in_article', position: 1, status: 'failed', error: 'The image model refused the prompt.' }),
    makeImage({ id: 3, image_type: 'in_article', position: 2, status: 'pending' }),
  ]),
  makeGroup(WITHOUT, null, []),
];

function server(extra: Parameters<typeof writerServer>[0] = {}) {
  return writerServer({
    'GET /api/v1/writer/content/': () => page([WITH_IMAGES, WITHOUT]),
    'GET /api/v1/writer/images/content_images/': (url) => {
      expect(url.searchParams.get('content_ids')).toBe('5,6');
      return envelope(GROUPS);
    },
    ...extra,
  });
}

describe('Writer → Images', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('groups images per article: made ones as thumbnails from their signed link, failed ones with their reason', async () => {
    vi.stubGlobal('fetch', server());
    renderWithProviders(<ImagesPage />);
    const article = await screen.findByRole('listitem', { name: 'Meditation basics' });
    const thumb = await within(article).findByTestId('image-thumb');
    expect(thumb.getAttribute('src')).toBe('/api/v1/writer/images/1/file/?expires=1&sig=a');
    expect(within(article).getByText('Featured')).toBeTruthy();
    expect(within(article).getByTestId('image-error').textContent).toBe('The image model refused the prompt.');
    expect(within(article).getByText('1 of 3 images made')).toBeTruthy();
    expect(within(screen.getByRole('listitem', { name: 'Breathing for calm' })).getByText('No images yet')).toBeTruthy();
  });

  it('describes images for the articles without any', async () => {
    const stream = fakeSse();
    const fetchMock = server({
      'POST /api/v1/writer/content/generate_image_prompts/': () => envelope(makeTask({ kind: 'generate_image_prompts' })),
      'GET /api/v1/tasks/7/events/': () => stream.response,
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ImagesPage />);
    const hint = await screen.findByTestId('next-action-prompts');
    expect(hint.textContent).toMatch(/1 article on this page without images/);
    await userEvent.click(within(hint).getByRole('button', { name: 'Generate image prompts' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/content/generate_image_prompts/')).toEqual({ ids: [6] }));
    const dialog = await screen.findByRole('dialog', { name: 'Describing images' });
    stream.send(
      'task',
      makeTask({ status: 'succeeded', result: { images_created: 3, content_ids: [6] } as never, progress: { phase: 'DONE', percent: 100 } }),
    );
    await waitFor(() => expect(within(dialog).getByTestId('task-summary').textContent).toBe('3 image prompts for 1 article. Generate the images next.'));
  });

  it('makes the pending and failed images, and makes one image again', async () => {
    const fetchMock = server({
      'POST /api/v1/writer/images/generate_images/': () => envelope(makeTask({ kind: 'generate_images' })),
      'POST /api/v1/writer/images/1/regenerate/': () => envelope(makeTask({ id: 8, kind: 'generate_images' })),
      'GET /api/v1/tasks/7/events/': () => fakeSse().response,
      'GET /api/v1/tasks/8/events/': () => fakeSse().response,
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ImagesPage />);
    const hint = await screen.findByTestId('next-action-images');
    expect(hint.textContent).toMatch(/2 images described and waiting to be made, including failed ones/);
    await userEvent.click(within(hint).getByRole('button', { name: 'Generate images' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/images/generate_images/')).toEqual({ ids: [2, 3] }));
    const making = await screen.findByRole('dialog', { name: 'Making images' });
    // The footer's Close (the header's ✕ has the same name).
    await userEvent.click(within(making).getAllByRole('button', { name: 'Close' }).at(-1)!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());

    await userEvent.click(screen.getByRole('button', { name: 'Make again: Featured' }));
    await screen.findByRole('dialog', { name: 'Making the image again' });
    expect(fetchMock.mock.calls.some(([input, init]) => String(input).endsWith('/api/v1/writer/images/1/regenerate/') && init?.method === 'POST')).toBe(true);
  });
});
