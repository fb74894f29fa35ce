// Server-Sent Events over fetch(): the API's streams need the Authorization header, which EventSource cannot
// send. The parser follows the WHATWG event-stream rules (https://html.spec.whatwg.org/#event-stream-interpretation):
// lines end with LF, CRLF or CR (also when a chunk splits a CRLF); `:` starts a comment (the server's keep-alives);
// `data:` lines join with LF; a blank line dispatches; an event with no data is dropped.

export interface SseEvent {
  /** `event:` field, `message` when absent. */
  event: string;
  data: string;
  /** Last `id:` seen on the stream (empty when none). */
  id: string;
}

export interface SseParser {
  /** Feed decoded text as it arrives, in chunks of any size. */
  push: (chunk: string) => void;
  /** The stream ended: an event without its closing blank line is discarded, as the standard says. */
  end: () => void;
}

export function createSseParser(onEvent: (event: SseEvent) => void, onComment?: (text: string) => void): SseParser {
  let buffer = '';
  /** The previous chunk ended with CR: a LF opening this one belongs to the same line break. */
  let skipLeadingLf = false;
  let eventType = '';
  let data: string[] = [];
  let lastId = '';

  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: eventType || 'message', data: data.join('\n'), id: lastId });
      eventType = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) {
      onComment?.(text.slice(1).replace(/^ /, ''));
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        eventType = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) lastId = value;
        break;
      default:
        // `retry` and unknown fields: nothing to do here (reconnection is the caller's).
        break;
    }
  };

  return {
    push(chunk) {
      if (chunk === '') return;
      let text = chunk;
      if (skipLeadingLf && text.startsWith('\n')) text = text.slice(1);
      skipLeadingLf = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const ch = buffer[i];
        if (ch !== '\n' && ch !== '\r') continue;
        line(buffer.slice(start, i));
        if (ch === '\r') {
          if (i + 1 < buffer.length) {
            if (buffer[i + 1] === '\n') i++;
          } else {
            skipLeadingLf = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    end() {
      buffer = '';
      eventType = '';
      data = [];
    },
  };
}

/**
 * Reads an open event-stream response to its end, calling `onEvent` per event and `onActivity` per received
 * chunk (keep-alives included, for watchdogs). Resolves when the server closes the stream; rejects on a read
 * error or when `signal` aborts.
 */
export async function readSse(
  response: Response,
  onEvent: (event: SseEvent) => void,
  options: { signal?: AbortSignal; onActivity?: () => void } = {},
): Promise<void> {
  const body = response.body;
  if (!body) throw new Error('The stream has no body.');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = createSseParser(onEvent);
  const onAbort = () => {
    void reader.cancel().catch(() => undefined);
  };
  options.signal?.addEventListener('abort', onAbort);
  try {
    for (;;) {
      if (options.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
      const { done, value } = await reader.read();
      if (options.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
      if (done) break;
      options.onActivity?.();
      parser.push(decoder.decode(value, { stream: true }));
    }
    parser.push(decoder.decode());
    parser.end();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    try {
      reader.releaseLock();
    } catch {
      // already released or cancelled
    }
  }
}

export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
