import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../../stores/auth';
import { useToastStore } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { jsonResponse, renderWithProviders } from '../../test/render';
import { envelope } from '../../test/sse';
import { bodyOf, callsTo, makeContent, page, writerServer } from '../../test/writer';
import { ApprovedPage, DraftsPage, ReviewPage } from './ContentList';

const IN_REVIEW = makeContent({ id: 5, status: 'review', title: 'Meditation for anxiety: a guide' });

function listOf(status: string) {
  return (url: URL) => {
    expect(url.searchParams.get('status')).toBe(status);
    expect(url.searchParams.get('site_id')).toBe('1');
    expect(url.searchParams.get('sector_id')).toBe('10');
    if (url.searchParams.get('page_size') === '1') return page([], 0);
    return page(status === 'review' ? [IN_REVIEW] : [makeContent({ status })]);
  };
}

const toasts = () => useToastStore.getState().toasts;

describe('Writer → Review', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('rejects only with a reason, which is sent with the request', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/content/': listOf('review'),
      'POST /api/v1/writer/content/5/reject/': () => envelope({ ...IN_REVIEW, status: 'draft', review_note: 'Add sources.' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ReviewPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Reject ${IN_REVIEW.title}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Send back to drafts?' });

    // No reason: refused here, nothing sent.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(within(dialog).getByText('Say what should change: the reason is required to reject.')).toBeTruthy();
    expect(within(dialog).getByLabelText('What should change?').getAttribute('aria-invalid')).toBe('true');
    await userEvent.type(within(dialog).getByLabelText('What should change?'), '   ');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(callsTo(fetchMock, 'POST /api/v1/writer/content/5/reject/')).toBe(0);

    await userEvent.type(within(dialog).getByLabelText('What should change?'), 'Add sources.');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/content/5/reject/')).toEqual({ reason: 'Add sources.' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const toast = toasts().find((t) => t.message === `Sent “${IN_REVIEW.title}” back to drafts.`);
    expect(toast?.action).toEqual({ label: 'Open Drafts', to: '/writer/drafts' });
  });

  it('shows the server’s reason when it refuses an empty reason too', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/content/': listOf('review'),
      'POST /api/v1/writer/content/5/reject/': () =>
        jsonResponse(400, { success: false, error: 'Say what to change.', code: 'VALIDATION_ERROR', errors: { reason: ['Say what to change.'] } }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ReviewPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Reject ${IN_REVIEW.title}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Send back to drafts?' });
    await userEvent.type(within(dialog).getByLabelText('What should change?'), 'x');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Reject' }));
    expect(await within(dialog).findByText('Say what to change.')).toBeTruthy();
  });

  it('approves with an optional note', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/content/': listOf('review'),
      'POST /api/v1/writer/content/5/approve/': () => envelope({ ...IN_REVIEW, status: 'approved' }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ReviewPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Approve ${IN_REVIEW.title}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve this article?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(bodyOf(fetchMock, 'POST /api/v1/writer/content/5/approve/')).toEqual({}));
    await waitFor(() => expect(toasts().map((t) => t.message)).toContain(`Approved “${IN_REVIEW.title}”.`));
  });

  it('says what state the article is in when a move is no longer allowed (409)', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/content/': listOf('review'),
      'POST /api/v1/writer/content/5/approve/': () =>
        jsonResponse(409, {
          success: false,
          error: 'This content is approved; it cannot move to approved.',
          code: 'CONFLICT',
          errors: { status: ['This content is approved; it cannot move to approved.'] },
        }),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<ReviewPage />);
    await userEvent.click(await screen.findByRole('button', { name: `Approve ${IN_REVIEW.title}` }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve this article?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Approve' }));
    expect(await within(dialog).findByText('This content is approved; it cannot move to approved.')).toBeTruthy();
  });

  it('offers no review actions to viewers', async () => {
    vi.stubGlobal('fetch', writerServer({ 'GET /api/v1/writer/content/': listOf('review') }, 'viewer'));
    renderWithProviders(<ReviewPage />);
    await screen.findByRole('link', { name: IN_REVIEW.title });
    expect(screen.queryByRole('button', { name: /Approve|Reject/ })).toBeNull();
  });
});

describe('Writer → Drafts and Approved', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
    useUiStore.setState({ siteId: 1, sectorBySite: { '1': 10 } });
    useToastStore.setState({ toasts: [] });
  });

  it('lists drafts with their Offline draft badge, a link to the editor, and submits one for review', async () => {
    const fetchMock = writerServer({
      'GET /api/v1/writer/content/': listOf('draft'),
      'POST /api/v1/writer/content/5/submit_review/': () => envelope(makeContent({ status: 'review' })),
    });
    vi.stubGlobal('fetch', fetchMock);
    renderWithProviders(<DraftsPage />);
    const link = await screen.findByRole('link', { name: 'Meditation for anxiety: a guide' });
    expect(link.getAttribute('href')).toBe('/writer/content/5');
    expect(screen.getByText('Offline draft')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Submit Meditation for anxiety: a guide for review' }));
    await waitFor(() => expect(callsTo(fetchMock, 'POST /api/v1/writer/content/5/submit_review/')).toBe(1));
  });

  it('lists approved articles with their place on the site', async () => {
    vi.stubGlobal('fetch', writerServer({ 'GET /api/v1/writer/content/': listOf('approved') }));
    renderWithProviders(<ApprovedPage />);
    expect(await screen.findByText('Not published')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Approved', level: 1 })).toBeTruthy();
  });
});
