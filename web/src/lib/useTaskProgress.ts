// Live state of one background task: the task's event stream (SSE over fetch), falling back to polling
// GET /tasks/{id}/ every 2 s when the stream cannot be opened or drops before the task ends. The final state
// (succeeded, failed, cancelled) stops both. Logic reads only structured fields (status, progress numbers),
// never message text.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { isApiError, type ApiError } from '../api/client';
import { refreshCredits, refreshNotifications } from '../api/queries';
import type { Task, TaskStatus } from '../api/types';
import { isNotificationStreamLive } from './notifications';
import { isAbortError, readSse } from './sse';

export const POLL_INTERVAL_MS = 2000;

const TERMINAL: ReadonlySet<string> = new Set<TaskStatus>(['succeeded', 'failed', 'cancelled']);

export function isTerminal(task: Pick<Task, 'status'> | null | undefined): boolean {
  return task ? TERMINAL.has(task.status) : false;
}

export const PHASE_LABELS: Record<string, string> = {
  INIT: 'Starting',
  PREP: 'Preparing',
  AI_CALL: 'Waiting for the AI model',
  PARSE: 'Reading the answer',
  SAVE: 'Saving results',
  DONE: 'Done',
};

/** `connection_test` → `Connection test`. */
export function taskKindLabel(kind: string): string {
  const words = kind.replace(/_/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : 'Task';
}

export function phaseLabel(task: Task): string {
  if (task.status === 'queued') return 'Waiting to start';
  return PHASE_LABELS[task.progress.phase] ?? task.progress.phase;
}

/** `stream`: live events; `polling`: the fallback; `done`: the task ended; `idle`: nothing to watch. */
export type TaskTransport = 'idle' | 'connecting' | 'stream' | 'polling' | 'done';

export interface TaskProgressState {
  task: Task | null;
  transport: TaskTransport;
  /** The task could not be read at all (gone, not ours): no more updates will come. */
  error: ApiError | null;
  done: boolean;
  /** Shows a task state got elsewhere (e.g. the cancel answer) without waiting for the stream. */
  receive: (task: Task) => void;
}

function parseTask(data: string): Task | null {
  try {
    const value = JSON.parse(data) as unknown;
    if (typeof value === 'object' && value !== null && 'id' in value && 'status' in value && 'progress' in value) {
      return value as Task;
    }
  } catch {
    // a malformed event is skipped; the next one (or polling) brings the state
  }
  return null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/** Newer snapshots win: an out-of-order poll answer never moves a task backwards out of its final state. */
function newer(current: Task | null, next: Task): boolean {
  if (!current || current.id !== next.id) return true;
  if (isTerminal(current) && !isTerminal(next)) return false;
  return true;
}

export function useTaskProgress(
  taskId: number | null,
  options: { initial?: Task | null; pollInterval?: number; onFinished?: (task: Task) => void } = {},
): TaskProgressState {
  const queryClient = useQueryClient();
  const pollInterval = options.pollInterval ?? POLL_INTERVAL_MS;
  const initial = options.initial && options.initial.id === taskId ? options.initial : null;
  const [task, setTask] = useState<Task | null>(initial);
  const [transport, setTransport] = useState<TaskTransport>(taskId === null ? 'idle' : 'connecting');
  const [error, setError] = useState<ApiError | null>(null);
  const onFinished = useRef(options.onFinished);
  onFinished.current = options.onFinished;
  /** Set by the running effect: feeds a snapshot through the same path as stream events. */
  const receiver = useRef<(task: Task) => void>(() => undefined);

  useEffect(() => {
    setError(null);
    if (taskId === null) {
      setTask(null);
      setTransport('idle');
      return;
    }
    setTask((current) => (current?.id === taskId ? current : initial));
    if (isTerminal(initial)) {
      setTransport('done');
      receiver.current = () => undefined;
      return;
    }
    setTransport('connecting');

    const controller = new AbortController();
    const { signal } = controller;
    let latest: Task | null = initial;
    let finished = false;

    const apply = (next: Task) => {
      if (signal.aborted || finished || next.id !== taskId || !newer(latest, next)) return;
      latest = next;
      setTask(next);
      if (isTerminal(next)) {
        finished = true;
        setTransport('done');
        controller.abort();
        // The notification stream brings the new balance and the task's notification (its `counts` and
        // `notification` events); only without it are they asked for here, once now and once after the server
        // has written the notification (just after the final state).
        if (!isNotificationStreamLive()) {
          refreshCredits(queryClient);
          refreshNotifications(queryClient, { unread: true });
          setTimeout(() => refreshNotifications(queryClient, { unread: true }), 1500);
        }
        onFinished.current?.(next);
      }
    };
    receiver.current = apply;

    const fail = (err: ApiError) => {
      if (signal.aborted || finished) return;
      setError(err);
      setTransport('done');
      controller.abort();
    };

    const poll = async () => {
      setTransport('polling');
      while (!signal.aborted && !finished) {
        try {
          apply(await api.get('/api/v1/tasks/{id}', { path: { id: taskId }, signal }));
        } catch (err) {
          if (signal.aborted || isAbortError(err)) return;
          // The task is gone or not ours (or the session ended): asking again will not help.
          if (isApiError(err) && [401, 403, 404].includes(err.status)) {
            fail(err);
            return;
          }
          // Anything else (network, 5xx, 429) is worth another try at the next tick.
        }
        if (signal.aborted || finished) return;
        await sleep(pollInterval, signal);
      }
    };

    const run = async () => {
      try {
        const response = await api.openStream('/api/v1/tasks/{id}/events', { path: { id: taskId }, signal });
        if (signal.aborted) return;
        setTransport('stream');
        await readSse(
          response,
          (event) => {
            if (event.event !== 'task') return;
            const next = parseTask(event.data);
            if (next) apply(next);
          },
          { signal },
        );
      } catch (err) {
        if (signal.aborted || isAbortError(err)) return;
        // Could not open or lost the stream: polling takes over (it reports a task that is really gone).
      }
      if (signal.aborted || finished) return;
      // The stream closed (or failed) before a final state: ask directly until the task ends.
      await poll();
    };
    void run();

    return () => {
      controller.abort();
      receiver.current = () => undefined;
    };
    // `initial` only seeds a new task id; later changes of the object must not restart the watch.
  }, [taskId, pollInterval, queryClient]);

  const receive = useCallback((next: Task) => receiver.current(next), []);
  return { task, transport, error, done: isTerminal(task) || error !== null, receive };
}
