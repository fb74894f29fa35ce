import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route, Routes } from 'react-router';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Content } from '../../api/types';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { jsonResponse, renderWithProviders } from '../../test/render';
import { envelope } from '../../test/sse';
import { bodyOf, callsTo, makeContent, makeGroup, makeImage, makeValidation, writerServer } from '../../test/writer';
import ContentEditorPage from './ContentEditor';
import { countState } from './editorParts';

function renderEditor() {
  return renderWithProviders(
    <Routes>
      <Route path="/writer/content/:contentId" element={<ContentEditorPage />} />
    </Routes>,
    { route: '/writer/content/5' },
  );
}

/** The article's routes; `content` may be replaced by a test (e.g. after a PATCH). */
function editorServer(initial: Content, extra: Parameters<typeof writerServer>[0] = {}) {
  const state = { content: initial };
  const fetchMock = writerServer({
    'GET /api/v1/writer/content/5/': () => envelope(state.content),
    'GET /api/v1/writer/content/5/validation/': () => envelope(makeValidation()),
    'GET /api/v1/writer/content/5/taxonomies/': () =>
      envelope([
        { id: 1, site_id: 1, taxonomy_type: 'category', name: 'Wellbeing', slug: 'wellbeing', description: '', created_at: '' },
        { id: 2, site_id: 1, taxonomy_type: 'tag', name: 'breathing', slug: 'breathing', description: '', created_at: '' },
      ]),
    'GET /api/v1/writer/images/content_images/': () => envelope([]),
    ...extra,
  });
  return { fetchMock, state };
}

describe('Writer → editor', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useToastStore.setState({ toasts: [] });
  });

  it('counts meta title and description characters as you type and will not save past the limits', async () => {
    const { fetchMock } = editorServer(makeContent(), { 'PATCH /api/v1/writer/content/5/': () => envelope(makeContent()) });
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    const metaTitle = await screen.findByLabelText('Meta title');
    const titleCount = screen.getByTestId('meta-title-count');
    expect(titleCount.textContent).toBe('31 / 60 characters');
    expect(titleCount.getAttribute('data-state')).toBe('ok');
    // "A short guide." is under the 70 characters the checklist asks for.
    expect(screen.getByTestId('meta-description-count').getAttribute('data-state')).toBe('short');
    expect(screen.getByTestId('meta-description-count').textContent).toBe('14 / 160 characters');

    fireEvent.change(metaTitle, { target: { value: 'x'.repeat(61) } });
    expect(titleCount.textContent).toBe('61 / 60 characters');
    expect(titleCount.getAttribute('data-state')).toBe('over');
    expect(metaTitle.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('1 over the 60-character limit.')).toBeTruthy();

    // Emoji count as one character each, as the server counts them.
    fireEvent.change(metaTitle, { target: { value: '🧘'.repeat(60) } });
    expect(titleCount.textContent).toBe('60 / 60 characters');
    expect(titleCount.getAttribute('data-state')).toBe('ok');

    fireEvent.change(screen.getByLabelText('Meta description'), { target: { value: 'y'.repeat(170) } });
    expect(screen.getByTestId('meta-description-count').getAttribute('data-state')).toBe('over');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Use at most 160 characters.')).toBeTruthy();
    expect(callsTo(fetchMock, 'PATCH /api/v1/writer/content/5/')).toBe(0);
  });

  it('shows the SEO checklist and asks for it again after a save', async () => {
    let validations = 0;
    const { fetchMock, state } = editorServer(makeContent(), {
      'GET /api/v1/writer/content/5/validation/': () => {
        validations += 1;
        return envelope(
          validations === 1
            ? makeValidation()
            : makeValidation({
                score: 100,
                checks: makeValidation().checks.map((c) => ({ ...c, passed: true })),
              }),
        );
      },
      'PATCH /api/v1/writer/content/5/': () => {
        state.content = makeContent({ title: 'Meditation for anxiety', updated_at: '2026-11-25T01:00:00Z' });
        return envelope(state.content);
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    const panel = await screen.findByTestId('seo-checklist');
    await within(panel).findByText('1 of 2 checks pass · 9 words of 1,500');
    expect(within(panel).getByTestId('seo-score').textContent).toBe('50 %');
    const keywordCheck = within(panel).getByText('Main keyword in the title').closest('li')!;
    expect(keywordCheck.getAttribute('data-passed')).toBe('false');
    // Categories and tags of the article.
    expect(within(screen.getByRole('list', { name: 'Categories' })).getByText('Wellbeing')).toBeTruthy();
    expect(within(screen.getByRole('list', { name: 'Tags' })).getByText('breathing')).toBeTruthy();

    await userEvent.clear(screen.getByLabelText('Title'));
    await userEvent.type(screen.getByLabelText('Title'), 'Meditation for anxiety');
    expect(within(panel).getByText('Save to check your latest changes.')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));

    await waitFor(() => expect(within(panel).getByTestId('seo-score').textContent).toBe('100 %'));
    expect(within(panel).getByText('2 of 2 checks pass · 9 words of 1,500')).toBeTruthy();
    expect(within(panel).queryByText('Save to check your latest changes.')).toBeNull();
    expect(validations).toBe(2);
    // Only what changed is sent.
    expect(bodyOf(fetchMock, 'PATCH /api/v1/writer/content/5/')).toEqual({ title: 'Meditation for anxiety' });
    expect(screen.getByRole('heading', { level: 1, name: 'Meditation for anxiety' })).toBeTruthy();
    expect(useToastStore.getState().toasts.map((t) => t.message)).toContain('Saved.');
  });

  it('previews the body with its H2s, cleaned of scripts, and labels offline drafts', async () => {
    const html = '<h2>Why it works</h2><p onclick="x()">Calm</p><script>window.hacked = true</script><h2>How to start</h2>';
    const { fetchMock } = editorServer(makeContent({ content_html: html }));
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    const preview = await screen.findByTestId('article-preview');
    expect([...preview.querySelectorAll('h2')].map((h) => h.textContent)).toEqual(['Why it works', 'How to start']);
    expect(preview.querySelector('script')).toBeNull();
    expect(preview.querySelector('[onclick]')).toBeNull();
    expect(screen.getByText('Offline draft')).toBeTruthy();
    // The HTML tab edits the body; the preview follows the unsaved text.
    await userEvent.click(screen.getByRole('tab', { name: 'HTML' }));
    fireEvent.change(screen.getByLabelText('Article HTML'), { target: { value: '<h2>Only one</h2>' } });
    await userEvent.click(screen.getByRole('tab', { name: 'Preview' }));
    expect([...screen.getByTestId('article-preview').querySelectorAll('h2')].map((h) => h.textContent)).toEqual(['Only one']);
    expect(screen.getByText('Unsaved changes')).toBeTruthy();
  });

  it('submits a draft for review (saving unsaved changes first)', async () => {
    const { fetchMock, state } = editorServer(makeContent(), {
      'PATCH /api/v1/writer/content/5/': () => {
        state.content = makeContent({ meta_description: 'Longer.', updated_at: '2026-11-25T01:00:00Z' });
        return envelope(state.content);
      },
      'POST /api/v1/writer/content/5/submit_review/': () => {
        state.content = { ...state.content, status: 'review' };
        return envelope(state.content);
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    fireEvent.change(await screen.findByLabelText('Meta description'), { target: { value: 'Longer.' } });
    // No images yet: the next step is to describe them (in sight at the top), and the draft would move to review by
    // itself once they are made; submitting now says it skips them.
    const next = await screen.findByTestId('editor-next-images');
    expect(next.textContent).toMatch(/Once they are made, the draft moves to Review by itself\./);
    expect(within(next).getByRole('button', { name: 'Generate image prompts' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Save and submit now, without images' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/writer/content/5/submit_review/')).toBe(1));
    expect(bodyOf(fetchMock, 'PATCH /api/v1/writer/content/5/')).toEqual({ meta_description: 'Longer.' });
    // In review, the editor offers the review decisions instead.
    expect(await screen.findByRole('button', { name: 'Approve' })).toBeTruthy();
    expect(screen.getByText('In review')).toBeTruthy();
    expect(screen.queryByRole('button', { name: /Submit for review/ })).toBeNull();
  });

  it('offers "Submit for review" plainly once the images are made; the in-article images show in the preview', async () => {
    const html =
      '<p>Meditation for anxiety helps.</p><h2>Why it works</h2><p>Breathing.</p>' +
      '<figure><img src="/api/v1/writer/images/2/file/?expires=9&amp;sig=ab" alt="A calm person breathing" width="1024" height="1024"></figure>' +
      '<h2>How to start</h2><p>Sit.</p>';
    const made = (id: number, type: string) =>
      makeImage({ id, image_type: type, position: id - 1, status: 'generated', file_url: `/api/v1/writer/images/${id}/file/?sig=x`, width: 1024, height: 1024 });
    const content = makeContent({ content_html: html });
    const { fetchMock } = editorServer(content, {
      'GET /api/v1/writer/images/content_images/': () => envelope([makeGroup(content, made(1, 'featured'), [made(2, 'in_article')])]),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    expect(await screen.findByRole('button', { name: 'Submit for review' })).toBeTruthy();
    expect(screen.queryByTestId('editor-next-images')).toBeNull();
    const preview = screen.getByTestId('article-preview');
    const img = within(preview).getByRole('img', { name: 'A calm person breathing' });
    expect(img.getAttribute('src')).toBe('/api/v1/writer/images/2/file/?expires=9&sig=ab');
    expect(img.closest('figure')?.previousElementSibling?.textContent).toBe('Breathing.');
  });

  it('warns before and after approving an offline draft', async () => {
    const { fetchMock, state } = editorServer(makeContent({ status: 'review' }), {
      'POST /api/v1/writer/content/5/approve/': () => {
        state.content = makeContent({ status: 'approved', warnings: ['Approved, but this is still an offline draft: rewrite it.'] });
        return envelope(state.content);
      },
    });
    vi.stubGlobal('fetch', fetchMock);
    renderEditor();
    await userEvent.click(await screen.findByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve this article?' });
    expect(within(dialog).getByText('This is still an offline draft')).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() =>
      expect(useToastStore.getState().toasts.map((t) => t.message)).toEqual([
        'Approved “Meditation for anxiety: a guide”.',
        'Approved, but this is still an offline draft: rewrite it.',
      ]),
    );
    expect(await screen.findByText('Still an offline draft')).toBeTruthy();
  });

  it('says when the article is gone', async () => {
    vi.stubGlobal(
      'fetch',
      writerServer({
        'GET /api/v1/writer/content/5/': () => jsonResponse(404, { success: false, error: 'Content not found.', code: 'NOT_FOUND' }),
      }),
    );
    renderEditor();
    expect(await screen.findByText('Article not found')).toBeTruthy();
  });
});

describe('countState', () => {
  it('is short under the minimum, over past the maximum, ok between', () => {
    expect(countState(10, 160, 70)).toBe('short');
    expect(countState(70, 160, 70)).toBe('ok');
    expect(countState(160, 160, 70)).toBe('ok');
    expect(countState(161, 160, 70)).toBe('over');
  });
});
