import { describe, expect, it, vi } from 'vitest';
import { fakeSse } from '../test/sse';
import { createSseParser, readSse, type SseEvent } from './sse';

function collect() {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const parser = createSseParser(
    (e) => events.push(e),
    (c) => comments.push(c),
  );
  return { events, comments, parser };
}

const STREAM =
  'event: ready\ndata: {}\n\n' +
  ': keep-alive\n\n' +
  'event: task\ndata: {"id":1,"status":"running"}\n\n' +
  'data: line one\ndata: line two\n\n';

const EXPECTED: SseEvent[] = [
  { event: 'ready', data: '{}', id: '' },
  { event: 'task', data: '{"id":1,"status":"running"}', id: '' },
  { event: 'message', data: 'line one\nline two', id: '' },
];

describe('createSseParser', () => {
  it('parses several events from one chunk, joins data lines and defaults the type to "message"', () => {
    const { events, parser } = collect();
    parser.push(STREAM);
    expect(events).toEqual(EXPECTED);
  });

  it('gives the same events however the text is split into chunks', () => {
    for (let size = 1; size <= 12; size++) {
      const { events, parser } = collect();
      for (let i = 0; i < STREAM.length; i += size) parser.push(STREAM.slice(i, i + size));
      expect(events, `chunks of ${size}`).toEqual(EXPECTED);
    }
  });

  it('waits for the blank line before dispatching', () => {
    const { events, parser } = collect();
    parser.push('event: task\ndata: {"a"');
    parser.push(':1}\n');
    expect(events).toEqual([]);
    parser.push('\n');
    expect(events).toEqual([{ event: 'task', data: '{"a":1}', id: '' }]);
  });

  it('accepts CRLF and CR line ends, also when a chunk splits CR from LF', () => {
    const { events, parser } = collect();
    parser.push('event: a\r');
    parser.push('\ndata: 1\r\n\r');
    parser.push('\nevent: b\rdata: 2\r\r');
    expect(events).toEqual([
      { event: 'a', data: '1', id: '' },
      { event: 'b', data: '2', id: '' },
    ]);
  });

  it('skips comments and keep-alives without dispatching anything', () => {
    const { events, comments, parser } = collect();
    parser.push(':\n\n: ping\n\n:\n\n');
    expect(events).toEqual([]);
    expect(comments).toEqual(['', 'ping', '']);
  });

  it('keeps a comment inside an event from breaking it, and drops events without data', () => {
    const { events, parser } = collect();
    parser.push('event: task\n: note\ndata: x\n\nevent: empty\n\n');
    expect(events).toEqual([{ event: 'task', data: 'x', id: '' }]);
  });

  it('handles field syntax: no space after the colon, a field without a colon, id and retry', () => {
    const { events, parser } = collect();
    parser.push('id: 42\nretry: 1000\nevent:task\ndata:no-space\ndata\n\n');
    expect(events).toEqual([{ event: 'task', data: 'no-space\n', id: '42' }]);
  });

  it('discards an unfinished event when the stream ends', () => {
    const { events, parser } = collect();
    parser.push('event: task\ndata: half');
    parser.end();
    parser.push('\n\n');
    expect(events).toEqual([]);
  });
});

describe('readSse', () => {
  it('decodes UTF-8 split across chunks and reports every chunk as activity', async () => {
    const stream = fakeSse();
    const events: SseEvent[] = [];
    const onActivity = vi.fn();
    const done = readSse(stream.response, (e) => events.push(e), { onActivity });
    const bytes = new TextEncoder().encode('data: café ✓\n\n');
    const split = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    stream.bytes(bytes.slice(0, split));
    stream.bytes(bytes.slice(split));
    stream.close();
    await done;
    expect(events).toEqual([{ event: 'message', data: 'café ✓', id: '' }]);
    expect(onActivity).toHaveBeenCalledTimes(2);
  });

  it('stops reading and cancels the body when aborted', async () => {
    const stream = fakeSse();
    const controller = new AbortController();
    const done = readSse(stream.response, () => undefined, { signal: controller.signal });
    stream.raw(':\n\n');
    controller.abort();
    await expect(done).rejects.toThrow();
    await vi.waitFor(() => expect(stream.cancelled).toBe(true));
  });

  it('rejects when the connection breaks', async () => {
    const stream = fakeSse();
    const done = readSse(stream.response, () => undefined);
    stream.fail();
    await expect(done).rejects.toThrow('network error');
  });
});
