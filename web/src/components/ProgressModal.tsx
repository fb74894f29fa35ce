// Progress of a background task (any action that answers 202 with a task): phase, bar, "x of y", current
// item and live message while it runs; a summary, an error or "cancelled" when it ends. Closing the modal
// leaves the job running: the notifications bell says when it ends.
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { api } from '../api';
import { isApiError } from '../api/client';
import type { Task } from '../api/types';
import { isTerminal, phaseLabel, useTaskProgress, type TaskProgressState } from '../lib/useTaskProgress';
import { CheckCircleIcon, InfoIcon, XCircleIcon } from './icons';
import { Modal } from './overlays';
import { Alert, Button, ButtonLink, ErrorAlert, Spinner, cx, formatNumber } from './ui';

export interface ResultLink {
  to: string;
  label?: string;
}

function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.min(100, Math.max(0, Math.round(value)));
}

function ProgressBar({ task }: { task: Task }) {
  const percent = task.status === 'succeeded' ? 100 : clampPercent(task.progress.percent);
  const tone =
    task.status === 'succeeded'
      ? 'bg-emerald-500'
      : task.status === 'failed'
        ? 'bg-red-500'
        : task.status === 'cancelled'
          ? 'bg-zinc-400 dark:bg-zinc-500'
          : 'bg-accent-600 dark:bg-accent-500';
  return (
    <div
      role="progressbar"
      aria-label="Progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={`${percent} %`}
      className="h-2.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      <div
        className={cx(
          'h-full rounded-full transition-[width] duration-500 ease-out',
          tone,
          task.status === 'queued' && 'animate-pulse',
        )}
        // A queued task shows a sliver so the bar reads as "about to move", not as empty.
        style={{ width: `${task.status === 'queued' ? Math.max(percent, 3) : percent}%` }}
      />
    </div>
  );
}

function Summary({ task, summary }: { task: Task; summary?: (task: Task) => ReactNode }) {
  const custom = summary?.(task);
  return (
    <Alert tone="success">
      <p data-testid="task-summary" className="font-medium">{custom ?? task.progress.message ?? 'The task finished.'}</p>
      {task.cost_credits > 0 && (
        <p className="mt-1 text-[13px] opacity-80">
          Used {formatNumber(task.cost_credits)} {task.cost_credits === 1 ? 'credit' : 'credits'}.
        </p>
      )}
    </Alert>
  );
}

/** The body shared by the modal and the task page. */
export function TaskProgressView({
  state,
  summary,
}: {
  state: Pick<TaskProgressState, 'task' | 'transport' | 'error'>;
  summary?: (task: Task) => ReactNode;
}) {
  const { task, transport, error } = state;
  if (!task) {
    if (error) return <ErrorAlert error={error} />;
    return (
      <div role="status" className="flex items-center gap-2 py-6 text-sm text-zinc-500 dark:text-zinc-400">
        <Spinner /> Connecting…
      </div>
    );
  }
  const { progress } = task;
  const running = !isTerminal(task);
  const percent = task.status === 'succeeded' ? 100 : clampPercent(progress.percent);
  const StatusIcon =
    task.status === 'succeeded' ? CheckCircleIcon : task.status === 'failed' ? XCircleIcon : InfoIcon;
  const statusText =
    task.status === 'succeeded'
      ? 'Finished'
      : task.status === 'failed'
        ? 'Failed'
        : task.status === 'cancelled'
          ? 'Cancelled'
          : phaseLabel(task);

  return (
    <div className="space-y-4" data-testid="task-progress" data-status={task.status}>
      <div className="space-y-2">
        <div className="flex items-center justify-between gap-3 text-sm">
          <span className="flex min-w-0 items-center gap-2 font-medium text-zinc-800 dark:text-zinc-100">
            {running ? (
              <Spinner size={15} className="shrink-0 text-accent-600 dark:text-accent-400" />
            ) : (
              <StatusIcon
                size={17}
                className={cx(
                  'shrink-0',
                  task.status === 'succeeded' && 'text-emerald-600 dark:text-emerald-400',
                  task.status === 'failed' && 'text-red-600 dark:text-red-400',
                  task.status === 'cancelled' && 'text-zinc-500',
                )}
              />
            )}
            <span className="truncate" data-testid="task-phase">
              {statusText}
            </span>
          </span>
          <span className="shrink-0 font-medium text-zinc-900 tabular-nums dark:text-zinc-50" data-testid="task-percent">
            {percent} %
          </span>
        </div>
        <ProgressBar task={task} />
        {(progress.total > 1 || progress.item) && (
          <div className="flex items-center justify-between gap-3 text-[13px] text-zinc-500 dark:text-zinc-400">
            <span className="min-w-0 truncate" title={progress.item ?? undefined}>
              {progress.item ? (
                <>
                  Working on <span className="font-medium text-zinc-700 dark:text-zinc-200">{progress.item}</span>
                </>
              ) : null}
            </span>
            {progress.total > 1 && (
              <span className="shrink-0 tabular-nums" data-testid="task-count">
                {formatNumber(Math.min(progress.current, progress.total))} of {formatNumber(progress.total)}
              </span>
            )}
          </div>
        )}
      </div>

      {running && (
        <p aria-live="polite" className="min-h-5 text-sm text-zinc-600 dark:text-zinc-300" data-testid="task-message">
          {task.status === 'queued' ? 'Queued: it starts as soon as a worker is free.' : (progress.message ?? '')}
        </p>
      )}

      {task.status === 'succeeded' && <Summary task={task} summary={summary} />}
      {task.status === 'failed' && (
        <Alert tone="error" title="The task failed">
          <p data-testid="task-error">{task.error || 'No reason was given.'}</p>
          {task.error_code && <p className="mt-1 font-mono text-xs opacity-75">Code: {task.error_code}</p>}
        </Alert>
      )}
      {task.status === 'cancelled' && (
        <Alert tone="info" title="Cancelled">
          {progress.message || 'The task was stopped.'}
          {task.cost_credits > 0 && (
            <p className="mt-1 text-[13px] opacity-80">
              Work done before it stopped used {formatNumber(task.cost_credits)}{' '}
              {task.cost_credits === 1 ? 'credit' : 'credits'}.
            </p>
          )}
        </Alert>
      )}
      {error && <ErrorAlert error={error} />}
      {running && transport === 'polling' && (
        <p className="text-xs text-zinc-500 dark:text-zinc-400" data-testid="task-polling">
          Live updates are unavailable; checking every 2 seconds.
        </p>
      )}
    </div>
  );
}

/** Stops a task; a 409 means it ended meanwhile, and its final state is on its way through the stream. */
export function useCancelTask(state: TaskProgressState) {
  const cancel = useMutation({
    mutationFn: (id: number) => api.post('/api/v1/tasks/{id}/cancel', { path: { id } }),
    onSuccess: (task) => state.receive(task),
  });
  const conflict = isApiError(cancel.error) && cancel.error.status === 409;
  const cancelling = cancel.isPending || (Boolean(state.task?.cancel_requested) && !isTerminal(state.task));
  return { cancel, cancelling, error: conflict ? null : cancel.error };
}

export function ProgressModal({
  taskId,
  initialTask,
  title,
  onClose,
  resultLink,
  summary,
  onFinished,
}: {
  /** The task to follow; the modal is open while this is set. */
  taskId: number | null;
  /** The task as the starting call answered it, shown before the stream's first event. */
  initialTask?: Task | null;
  title: ReactNode;
  onClose: () => void;
  /** Where the results are ("View results"), shown once the task succeeded. */
  resultLink?: ResultLink;
  /** A short summary for the success state (defaults to the task's final message). */
  summary?: (task: Task) => ReactNode;
  onFinished?: (task: Task) => void;
}) {
  const state = useTaskProgress(taskId, { initial: initialTask, onFinished });
  const { cancel, cancelling, error: cancelError } = useCancelTask(state);
  const task = state.task;
  const running = !state.done;

  return (
    <Modal
      open={taskId !== null}
      onClose={onClose}
      title={title}
      footer={
        <>
          {running && task && (
            <Button
              variant="secondary"
              onClick={() => cancel.mutate(task.id)}
              loading={cancelling}
            >
              {cancelling ? 'Cancelling…' : 'Cancel job'}
            </Button>
          )}
          {!running && task?.status === 'succeeded' && resultLink && (
            <ButtonLink to={resultLink.to} variant="secondary">
              {resultLink.label ?? 'View results'}
            </ButtonLink>
          )}
          <Button variant={running ? 'secondary' : 'primary'} onClick={onClose} data-autofocus={!running || undefined}>
            Close
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <TaskProgressView state={state} summary={summary} />
        <ErrorAlert error={cancelError} />
        {running && (
          <p className="border-t border-zinc-100 pt-3 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            Closing this window does not stop the job. The notifications bell tells you when it ends.
          </p>
        )}
      </div>
    </Modal>
  );
}
