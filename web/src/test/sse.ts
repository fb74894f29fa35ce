// A scripted Server-Sent Events response for tests: push events or raw text, then close or fail it.
import type { Task } from '../api/types';

export interface FakeStream {
  response: Response;
  /** Sends raw text (any chunking the test wants). */
  raw: (text: string) => void;
  /** Sends raw bytes (to split a multi-byte character between chunks). */
  bytes: (data: Uint8Array) => void;
  /** Sends one `event: <name>` with JSON data. */
  send: (event: string, data: unknown) => void;
  close: () => void;
  fail: (error?: unknown) => void;
  /** True once the reader cancelled the stream (the client stopped listening). */
  readonly cancelled: boolean;
}

export function fakeSse(): FakeStream {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let cancelled = false;
  let closed = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      cancelled = true;
    },
  });
  const response = new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  return {
    response,
    raw: (text) => {
      if (!closed && !cancelled) controller.enqueue(encoder.encode(text));
    },
    bytes: (data) => {
      if (!closed && !cancelled) controller.enqueue(data);
    },
    send(event, data) {
      this.raw(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    close: () => {
      if (closed || cancelled) return;
      closed = true;
      controller.close();
    },
    fail: (error = new TypeError('network error')) => {
      if (closed || cancelled) return;
      closed = true;
      controller.error(error);
    },
    get cancelled() {
      return cancelled;
    },
  };
}

export function makeTask(overrides: Partial<Omit<Task, 'progress'>> & { progress?: Partial<Task['progress']> } = {}): Task {
  const { progress, ...rest } = overrides;
  return {
    id: 7,
    kind: 'connection_test',
    status: 'queued',
    result: null,
    error: null,
    error_code: null,
    cost_credits: 0,
    attempts: 0,
    cancel_requested: false,
    site_id: null,
    created_at: '2026-01-01T10:00:00Z',
    started_at: null,
    finished_at: null,
    ...rest,
    progress: { phase: 'INIT', percent: 0, current: 0, total: 1, item: null, message: null, ...progress },
  };
}

export function envelope(data: unknown): Response {
  return new Response(JSON.stringify({ success: true, data, request_id: 'r' }), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
  });
}
