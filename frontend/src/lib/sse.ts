// A Server-Sent Events parser for streams read with fetch() (which, unlike EventSource, can send
// an Authorization header). Feed it text as it arrives; it calls back once per complete event.
// Follows the WHATWG rules: "field: value" lines, an empty line ends an event, ":" comments.

export interface SseEvent {
  /** "message" when the event names none. */
  event: string;
  data: string;
  /** The last id seen on the stream (ids persist across events, as in EventSource). */
  id: string | null;
}

export interface SseParser {
  feed(chunk: string): void;
  /** The server's reconnection delay (`retry:`), when it sent one. */
  readonly retryMs: number | null;
  readonly lastEventId: string | null;
}

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = '';
  let eventName = '';
  let data: string[] = [];
  let lastEventId: string | null = null;
  let retryMs: number | null = null;
  let first = true;

  const dispatch = () => {
    if (data.length) onEvent({ event: eventName || 'message', data: data.join('\n'), id: lastEventId });
    eventName = '';
    data = [];
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') eventName = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) lastEventId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
  };

  return {
    feed(chunk: string) {
      buffer += chunk;
      if (first && buffer.length) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      // Lines end in \n, \r\n or \r; a trailing \r may be the first half of \r\n, so wait.
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const c = buffer[i];
        if (c === '\n' || c === '\r') {
          if (c === '\r' && i === buffer.length - 1) break;
          line(buffer.slice(start, i));
          if (c === '\r' && buffer[i + 1] === '\n') i += 1;
          start = i + 1;
        }
      }
      buffer = buffer.slice(start);
    },
    get retryMs() {
      return retryMs;
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
