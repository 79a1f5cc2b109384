import { Link } from 'react-router';
import { dismissNotice, useNotices } from '../lib/notices';

export function Notices() {
  const notices = useNotices();
  if (!notices.length) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div key={n.id} className="error notice" role="alert">
          <span>{n.message}</span>
          {n.href ? (
            <Link to={n.href} onClick={() => dismissNotice(n.id)}>
              Open it
            </Link>
          ) : null}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
