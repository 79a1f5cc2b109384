import { useEffect, useRef } from 'react';
import type { LogLine } from './runEvents';

/** The log's last lines, kept scrolled to the newest unless the reader scrolled up. */
export function LogTail({ lines }: { lines: readonly LogLine[] }) {
  const box = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  if (!lines.length) return <p className="muted small">No log lines yet.</p>;
  return (
    <ol
      ref={box}
      className="log-tail"
      aria-label="Log"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      {lines.map((line, i) => (
        <li key={i} className={`log-${line.level}`}>
          {line.at ? <time dateTime={line.at}>{new Date(line.at).toLocaleTimeString()}</time> : null}
          {line.level !== 'info' ? <span className="log-level">{line.level}</span> : null}
          <span>{line.message}</span>
        </li>
      ))}
    </ol>
  );
}
