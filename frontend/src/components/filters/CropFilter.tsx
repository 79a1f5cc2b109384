import { Link } from 'react-router';
import { ChoiceFilter } from './ChoiceFilter';

interface Props {
  projectId: number;
  crop: boolean | null;
  sourceItemId: number | null;
  onCrop: (value: boolean | null) => void;
  onSourceItem: (value: number | null) => void;
}

const CROP_CHOICES = [
  { value: 'true', label: 'Only crops' },
  { value: 'false', label: 'No crops' },
];

/** Crops a detector cut out of other items: all of them, none of them, or those of one image
 * (set by the item page's "all crops" link, so it is shown as a condition to remove). */
export function CropFilter({ projectId, crop, sourceItemId, onCrop, onSourceItem }: Props) {
  return (
    <div>
      <ChoiceFilter
        label="Crops"
        value={crop === null ? null : String(crop)}
        choices={CROP_CHOICES}
        onChange={(v) => onCrop(v === null ? null : v === 'true')}
      />
      {sourceItemId !== null ? (
        <p className="active-condition">
          cut from <Link to={`/projects/${projectId}/items/${sourceItemId}`}>item #{sourceItemId}</Link>{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => onSourceItem(null)}
            aria-label={`Remove filter crops of item ${sourceItemId}`}
          >
            remove
          </button>
        </p>
      ) : null}
    </div>
  );
}
