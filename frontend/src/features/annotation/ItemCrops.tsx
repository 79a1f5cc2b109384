import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { ApiImage } from '../../components/ApiImage';
import type { Item } from '../../lib/api';
import { toItemQuery } from '../../lib/itemFilters';
import { itemListQuery, useItem } from '../../lib/itemApi';
import { datasetHref, itemHref } from '../../lib/itemLinks';
import { boxPercent, cropsOf, describeSourceBox, sourceBoxOf, type SourceBox } from './cropView';
import './crops.css';

/** Thumbnails shown in the strip; the rest are a link away, in the dataset grid. */
const STRIP_LIMIT = 24;

/** The source image, with the detection outlined, linking to it. */
function SourceLink({ projectId, sourceId, box }: { projectId: number; sourceId: number; box: SourceBox | null }) {
  const source = useItem(projectId, sourceId);
  const image = source.data;
  return (
    <Link className="crop-source" to={`/projects/${projectId}/items/${sourceId}`}>
      {image ? (
        <span className="crop-source-image">
          <ApiImage url={image.thumbnail_url} alt="" />
          {box ? <span className="crop-source-box" style={boxPercent(box, image)} aria-hidden="true" /> : null}
        </span>
      ) : null}
      <span>
        Cropped from item #{sourceId}
        {image ? <span className="small muted"> ({image.filename})</span> : null}
      </span>
    </Link>
  );
}

/** Where a crop was cut from; its source may have been deleted since (the box is kept). */
function CroppedFrom({ projectId, sourceId, box }: { projectId: number; sourceId: number | null; box: SourceBox | null }) {
  return (
    <section className="panel-section crop-origin" aria-label="Cropped from">
      <h2>Cropped from</h2>
      {sourceId !== null ? (
        <SourceLink projectId={projectId} sourceId={sourceId} box={box} />
      ) : (
        <p className="small muted">Cropped from an item that has since been deleted.</p>
      )}
      {box ? <p className="small crop-box-text">Box: {describeSourceBox(box)}</p> : null}
    </section>
  );
}

/** Thumbnails of the crops cut from this image; each opens the item page stepping through them. */
function CropStrip({ projectId, itemId }: { projectId: number; itemId: number }) {
  const filters = cropsOf(itemId);
  const crops = useQuery(itemListQuery(projectId, toItemQuery(filters), 0, STRIP_LIMIT));
  const total = crops.data?.total ?? 0;
  if (!crops.data || total === 0) return null;
  return (
    <section className="panel-section" aria-label="Crops from this image">
      <h2>Crops from this image ({total})</h2>
      <ul className="crop-strip" aria-label="Crops">
        {crops.data.items.map((crop, index) => {
          const box = sourceBoxOf(crop);
          return (
            <li key={crop.id}>
              <Link to={itemHref(projectId, crop.id, filters, index)} title={box ? describeSourceBox(box) : crop.filename}>
                <ApiImage url={crop.thumbnail_url} alt={`Crop #${crop.id}${box?.label ? ` (${box.label})` : ''}`} loading="lazy" />
              </Link>
            </li>
          );
        })}
      </ul>
      {total > crops.data.items.length ? (
        <p className="small">
          <Link to={datasetHref(projectId, filters)}>All {total} crops in the dataset</Link>
        </p>
      ) : null}
    </section>
  );
}

/** Detect-then-retrieve on the item page: where a crop came from, and the crops of an image. */
export function ItemCrops({ projectId, item }: { projectId: number; item: Item }) {
  const box = sourceBoxOf(item);
  const sourceId = item.source_item_id ?? null;
  return (
    <>
      {sourceId !== null || box !== null ? <CroppedFrom projectId={projectId} sourceId={sourceId} box={box} /> : null}
      <CropStrip projectId={projectId} itemId={item.id} />
    </>
  );
}
