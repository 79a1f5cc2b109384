import type { Preflight } from './preflight';
import { countsSummary } from './preflight';

interface Props {
  check: Preflight | undefined;
  checking: boolean;
  failed: boolean;
}

/** What the selection holds for the chosen kind, checked live, and what keeps it from training. */
export function PreflightCheck({ check, checking, failed }: Props) {
  return (
    <section className={`preflight${check && !check.ok ? ' preflight-blocked' : ''}`} aria-label="Pre-flight check" aria-busy={checking}>
      <p className="small" role="status">
        {check ? countsSummary(check.counts) : failed ? 'The selection could not be checked; starting the run checks it again.' : 'Checking the selection…'}
      </p>
      {check && check.problems.length ? (
        <ul className="preflight-problems" aria-label="What keeps this run from starting">
          {check.problems.map((p) => (
            <li key={p.code} className="field-error">
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
