interface Props {
  tags: readonly string[];
  /** Names the kind of tag for screen readers, e.g. "keyword". */
  kind: string;
  onRemove?: (tag: string) => void;
}

/** Chips with a remove button each. */
export function TagList({ tags, kind, onRemove }: Props) {
  if (!tags.length) return null;
  return (
    <ul className="tags" aria-label={`${kind}s`}>
      {tags.map((tag) => (
        <li key={tag} className="tag">
          <span>{tag}</span>
          {onRemove ? (
            <button type="button" aria-label={`Remove ${kind} ${tag}`} onClick={() => onRemove(tag)}>
              ×
            </button>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
