import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, type MouseEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import type { ItemFilters, ItemQuery } from '../../lib/itemFilters';
import { useElementSize } from '../../lib/useElementSize';
import { itemHref } from '../../lib/itemLinks';
import { ItemTile } from './ItemTile';
import { useItemsInRange } from '../../lib/pagedItems';
import type { Selection } from '../../lib/selection';

const MIN_TILE = 150;
const GAP = 8;
const CAPTION = 52;

interface Props {
  projectId: number;
  filters: ItemFilters;
  query: ItemQuery;
  total: number;
  selection: Selection;
  onToggle: (id: number, index: number) => void;
  onRange: (index: number, idAt: (index: number) => number | undefined) => void;
}

/** Thousands of items in a virtualised grid: only the rows on screen exist, only their pages load. */
export function ItemGrid({ projectId, filters, query, total, selection, onToggle, onRange }: Props) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const [sizeRef, size] = useElementSize<HTMLDivElement>();
  const setRefs = useCallback(
    (node: HTMLDivElement | null) => {
      scrollRef.current = node;
      sizeRef(node);
    },
    [sizeRef],
  );
  const width = Math.max(0, size.width - GAP * 2);
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_TILE + GAP)));
  const tile = Math.floor((width - GAP * (columns - 1)) / columns);
  const rowHeight = Math.max(MIN_TILE, tile) + CAPTION + GAP;
  const rowCount = Math.ceil(total / columns);

  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    paddingStart: GAP,
    paddingEnd: GAP,
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const rows = virtualizer.getVirtualItems();
  const firstIndex = (rows[0]?.index ?? 0) * columns;
  const lastIndex = Math.min(total - 1, ((rows[rows.length - 1]?.index ?? 0) + 1) * columns - 1);
  const { itemAt, error, refetch } = useItemsInRange(projectId, query, firstIndex, lastIndex);
  const idAt = (index: number) => itemAt(index)?.id;

  const onSelect = (id: number, index: number) => (event: MouseEvent<HTMLInputElement>) => {
    if (event.shiftKey) onRange(index, idAt);
    else onToggle(id, index);
  };

  return (
    <div className="grid-scroll" ref={setRefs} tabIndex={-1}>
      {error ? <ErrorMessage title="Could not load some items" error={error} onRetry={refetch} /> : null}
      <div role="list" aria-label="Items" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {rows.map((row) => (
          <div
            key={row.key}
            className="grid-row"
            style={{
              transform: `translateY(${row.start}px)`,
              height: rowHeight - GAP,
              gridTemplateColumns: `repeat(${columns}, ${tile}px)`,
              gap: GAP,
              left: GAP,
            }}
          >
            {Array.from({ length: columns }, (_, column) => {
              const index = row.index * columns + column;
              if (index >= total) return null;
              const item = itemAt(index);
              return (
                <div role="listitem" key={index} aria-posinset={index + 1} aria-setsize={total}>
                  {item ? (
                    <ItemTile
                      item={item}
                      href={itemHref(projectId, item.id, filters, index)}
                      selected={selection.ids.has(item.id)}
                      onSelect={onSelect(item.id, index)}
                    />
                  ) : (
                    <div className="tile loading" aria-label="Loading item" />
                  )}
                </div>
              );
            })}
          </div>
        ))}
      </div>
    </div>
  );
}
