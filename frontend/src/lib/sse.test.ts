import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse';

function parseAll(chunks: string[]) {
  const events: SseEvent[] = [];
  const parser = createSseParser((e) => events.push(e));
  for (const chunk of chunks) parser.feed(chunk);
  return { events, parser };
}

describe('the SSE parser', () => {
  it('reads named events with ids and JSON data, and the retry hint', () => {
    const { events, parser } = parseAll([
      'retry: 2000\n\n',
      'event: status\nid: 0.1\ndata: {"status":"running"}\n\n',
      ': keep-alive\n\n',
      'event: metric\nid: 4.1\ndata: {"name":"train/loss","value":0.5}\n\n',
    ]);
    expect(events).toEqual([
      { event: 'status', data: '{"status":"running"}', id: '0.1' },
      { event: 'metric', data: '{"name":"train/loss","value":0.5}', id: '4.1' },
    ]);
    expect(parser.retryMs).toBe(2000);
    expect(parser.lastEventId).toBe('4.1');
  });

  it('waits for the end of an event split across chunks, whatever the line endings', () => {
    const { events } = parseAll(['event: lo', 'g\r', '\ndata: a\r\ndata:', ' b\r\r', 'data: c\n', '\n']);
    expect(events).toEqual([
      { event: 'log', data: 'a\nb', id: null },
      { event: 'message', data: 'c', id: null },
    ]);
  });

  it('ignores events without data and unknown fields', () => {
    const { events } = parseAll(['event: nothing\n\nfoo: bar\ndata: x\n\n']);
    expect(events).toEqual([{ event: 'message', data: 'x', id: null }]);
  });
});
