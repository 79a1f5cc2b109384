/** A labelled progress bar; `value` is a fraction from 0 to 1, or null while unknown. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  return value === null ? (
    <progress aria-label={label} />
  ) : (
    <progress aria-label={label} max={1} value={Math.min(1, Math.max(0, value))} />
  );
}
