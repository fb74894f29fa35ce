import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useAuthStore } from '../stores/auth';
import { renderWithProviders, routeFetch } from '../test/render';
import { envelope, fakeSse, makeTask } from '../test/sse';
import { ProgressModal } from './ProgressModal';

const EVENTS = 'GET /api/v1/tasks/7/events';
const CANCEL = 'POST /api/v1/tasks/7/cancel';

function routes(extra: Parameters<typeof routeFetch>[0]) {
  // routeFetch keys are paths without the trailing slash the client adds: normalise them.
  const fetchMock = routeFetch(
    Object.fromEntries(Object.entries(extra).map(([key, handler]) => [`${key}/`, handler])),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('ProgressModal', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'A1', refresh: 'R1', user: null, notice: null });
  });

  it('shows the phase, the bar, "x of y", the current item and the live message while running', async () => {
    const stream = fakeSse();
    routes({ [EVENTS]: () => stream.response });
    renderWithProviders(
      <ProgressModal taskId={7} initialTask={makeTask()} title="Clustering keywords" onClose={() => undefined} />,
    );
    const dialog = screen.getByRole('dialog', { name: 'Clustering keywords' });
    expect(within(dialog).getByTestId('task-phase').textContent).toBe('Waiting to start');
    expect(within(dialog).getByText(/Closing this window does not stop the job/)).toBeTruthy();

    act(() =>
      stream.send(
        'task',
        makeTask({
          status: 'running',
          progress: { phase: 'AI_CALL', percent: 47, current: 3, total: 8, item: 'best running shoes', message: 'Asking the model' },
        }),
      ),
    );
    await waitFor(() => expect(within(dialog).getByTestId('task-phase').textContent).toBe('Waiting for the AI model'));
    expect(within(dialog).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('47');
    expect(within(dialog).getByTestId('task-percent').textContent).toBe('47 %');
    expect(within(dialog).getByTestId('task-count').textContent).toBe('3 of 8');
    expect(within(dialog).getByText('best running shoes')).toBeTruthy();
    expect(within(dialog).getByTestId('task-message').textContent).toBe('Asking the model');
    expect(within(dialog).getByRole('button', { name: 'Cancel job' })).toBeTruthy();
  });

  it('hides "x of y" for a single item', async () => {
    const stream = fakeSse();
    routes({ [EVENTS]: () => stream.response });
    renderWithProviders(
      <ProgressModal
        taskId={7}
        initialTask={makeTask({ status: 'running', progress: { phase: 'PREP', percent: 15, current: 1, total: 1 } })}
        title="Test"
        onClose={() => undefined}
      />,
    );
    expect(screen.getByTestId('task-phase').textContent).toBe('Preparing');
    expect(screen.queryByTestId('task-count')).toBeNull();
    await act(() => new Promise((r) => setTimeout(r, 10))); // let the stream open before the test ends
  });

  it('shows the summary, the cost and the results link on success', async () => {
    const stream = fakeSse();
    routes({ [EVENTS]: () => stream.response });
    const onClose = vi.fn();
    renderWithProviders(
      <ProgressModal
        taskId={7}
        initialTask={makeTask()}
        title="Test"
        onClose={onClose}
        resultLink={{ to: '/planner/clusters', label: 'View clusters' }}
      />,
    );
    expect(screen.queryByRole('link', { name: 'View clusters' })).toBeNull();
    act(() =>
      stream.send(
        'task',
        makeTask({
          status: 'succeeded',
          cost_credits: 3,
          progress: { phase: 'DONE', percent: 100, current: 8, total: 8, message: '8 clusters created.' },
        }),
      ),
    );
    await waitFor(() => expect(screen.getByTestId('task-summary').textContent).toBe('8 clusters created.'));
    expect(screen.getByText('Used 3 credits.')).toBeTruthy();
    expect(screen.getByTestId('task-percent').textContent).toBe('100 %');
    expect(screen.getByRole('link', { name: 'View clusters' }).getAttribute('href')).toBe('/planner/clusters');
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
    expect(screen.queryByText(/does not stop the job/)).toBeNull();
    await userEvent.click(screen.getAllByRole('button', { name: 'Close' }).at(-1)!);
    expect(onClose).toHaveBeenCalled();
  });

  it('shows the reason and the code when the task failed', async () => {
    const stream = fakeSse();
    routes({ [EVENTS]: () => stream.response });
    renderWithProviders(<ProgressModal taskId={7} initialTask={makeTask()} title="Test" onClose={() => undefined} />);
    act(() =>
      stream.send(
        'task',
        makeTask({
          status: 'failed',
          error: 'The provider refused the API key.',
          error_code: 'PROVIDER_AUTH',
          progress: { phase: 'AI_CALL', percent: 40 },
        }),
      ),
    );
    await waitFor(() => expect(screen.getByTestId('task-error').textContent).toBe('The provider refused the API key.'));
    expect(screen.getByText('Code: PROVIDER_AUTH')).toBeTruthy();
    expect(screen.getByText('The task failed')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Cancel job' })).toBeNull();
  });

  it('cancels: "Cancelling…" until the task reports it stopped; closing never cancels', async () => {
    const stream = fakeSse();
    const fetchMock = routes({
      [EVENTS]: () => stream.response,
      [CANCEL]: () =>
        envelope(makeTask({ status: 'running', cancel_requested: true, progress: { phase: 'AI_CALL', percent: 50 } })),
    });
    const onClose = vi.fn();
    renderWithProviders(
      <ProgressModal
        taskId={7}
        initialTask={makeTask({ status: 'running', progress: { phase: 'AI_CALL', percent: 50 } })}
        title="Test"
        onClose={onClose}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    await waitFor(() => expect(screen.getByRole('button', { name: /Cancelling…/ })).toBeTruthy());
    expect((screen.getByRole('button', { name: /Cancelling…/ }) as HTMLButtonElement).disabled).toBe(true);
    act(() =>
      stream.send(
        'task',
        makeTask({ status: 'cancelled', cancel_requested: true, progress: { phase: 'AI_CALL', percent: 50, message: 'Cancelled.' } }),
      ),
    );
    await waitFor(() => expect(screen.getByText('Cancelled', { selector: 'p' })).toBeTruthy());
    expect(screen.queryByRole('button', { name: /Cancel/ })).toBeNull();
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(1);

    // Closing the dialog is only closing it.
    await userEvent.click(screen.getAllByRole('button', { name: 'Close' }).at(-1)!);
    expect(onClose).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls.filter(([, init]) => init?.method === 'POST')).toHaveLength(1);
  });

  it('treats a 409 on cancel as "already finished" and waits for the final state', async () => {
    const stream = fakeSse();
    routes({
      [EVENTS]: () => stream.response,
      [CANCEL]: () =>
        new Response(JSON.stringify({ success: false, error: 'The task is already succeeded.', code: 'CONFLICT' }), {
          status: 409,
          headers: { 'Content-Type': 'application/json' },
        }),
    });
    renderWithProviders(
      <ProgressModal
        taskId={7}
        initialTask={makeTask({ status: 'running', progress: { phase: 'SAVE', percent: 95 } })}
        title="Test"
        onClose={() => undefined}
      />,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel job' }));
    act(() => stream.send('task', makeTask({ status: 'succeeded', progress: { phase: 'DONE', percent: 100, message: 'Done.' } })));
    await waitFor(() => expect(screen.getByTestId('task-summary').textContent).toBe('Done.'));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
