import { useRef, useState, type PointerEvent } from 'react';
import { ApiImage } from '../../components/ApiImage';
import {
  HANDLES,
  fitSize,
  handlePoint,
  moveRect,
  rectFromPoints,
  resizeRect,
  toImagePoint,
  type Handle,
  type Point,
  type Rect,
  type Size,
} from '../../lib/geometry';
import { useElementSize } from '../../lib/useElementSize';
import type { EditableBox, GhostBox } from '../../lib/annotationState';

interface Props {
  imageUrl: string;
  alt: string;
  image: Size;
  boxes: readonly EditableBox[];
  selected: number | null;
  /** The class new boxes get; without one, drawing is off. */
  drawLabel: string | null;
  colorOf: (label: string) => string;
  onSelect: (index: number | null) => void;
  /** A finished gesture: the new boxes and which one is selected. */
  onCommit: (boxes: EditableBox[], selected: number | null) => void;
  /** Suggested boxes, drawn dashed under the real ones; they take no pointer events. */
  ghosts?: readonly GhostBox[];
  /** The ghost whose suggestion the pointer or focus is on, drawn stronger. */
  highlighted?: string | null;
}

type Drag =
  | { kind: 'draw'; origin: Point; rect: Rect; moved: boolean }
  | { kind: 'move'; index: number; origin: Point; start: Rect; rect: Rect; moved: boolean }
  | { kind: 'resize'; index: number; handle: Handle; start: Rect; rect: Rect; moved: boolean };

/** Screen pixels a pointer must travel before a press becomes a drag. */
const DRAG_THRESHOLD = 3;
const HANDLE_PX = 9;
const CURSORS: Record<Handle, string> = {
  n: 'ns-resize', s: 'ns-resize', e: 'ew-resize', w: 'ew-resize',
  ne: 'nesw-resize', sw: 'nesw-resize', nw: 'nwse-resize', se: 'nwse-resize',
};

/** The image with its boxes: drag on the image to draw, drag a box to move it, its handles to resize. */
export function BoxCanvas({ imageUrl, alt, image, boxes, selected, drawLabel, colorOf, onSelect, onCommit, ghosts = [], highlighted = null }: Props) {
  const [frameRef, frame] = useElementSize<HTMLDivElement>();
  const display = fitSize(image, frame);
  const scale = display.width / image.width || 1;
  const svgRef = useRef<SVGSVGElement>(null);
  const [drag, setDrag] = useState<Drag | null>(null);

  const pointOf = (event: PointerEvent): Point => {
    const bounds = svgRef.current?.getBoundingClientRect() ?? { left: 0, top: 0, width: 1, height: 1 };
    return toImagePoint({ x: event.clientX, y: event.clientY }, bounds, image);
  };
  const farEnough = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y) * scale >= DRAG_THRESHOLD;

  const onPointerDown = (event: PointerEvent<SVGSVGElement>) => {
    if (event.button !== 0) return;
    // No text selection or native drag (either would cancel the gesture), and leave any text
    // field, so that shortcuts apply to the image again.
    event.preventDefault();
    if (document.activeElement instanceof HTMLElement) document.activeElement.blur();
    const target = event.target as Element;
    const point = pointOf(event);
    const handle = target.closest('[data-handle]')?.getAttribute('data-handle') as Handle | null | undefined;
    const boxAttr = target.closest('[data-box]')?.getAttribute('data-box');
    const start = selected !== null ? boxes[selected] : undefined;
    event.currentTarget.setPointerCapture?.(event.pointerId);
    if (handle && start && selected !== null) {
      setDrag({ kind: 'resize', index: selected, handle, start, rect: start, moved: false });
    } else if (boxAttr !== null && boxAttr !== undefined) {
      const index = Number(boxAttr);
      const box = boxes[index];
      if (!box) return;
      onSelect(index);
      setDrag({ kind: 'move', index, origin: point, start: box, rect: box, moved: false });
    } else if (drawLabel) {
      setDrag({ kind: 'draw', origin: point, rect: { ...point, w: 0, h: 0 }, moved: false });
    } else {
      onSelect(null);
    }
  };

  const onPointerMove = (event: PointerEvent<SVGSVGElement>) => {
    if (!drag) return;
    const point = pointOf(event);
    if (drag.kind === 'draw') {
      setDrag({ ...drag, rect: rectFromPoints(drag.origin, point, image), moved: drag.moved || farEnough(drag.origin, point) });
    } else if (drag.kind === 'move') {
      const rect = moveRect(drag.start, point.x - drag.origin.x, point.y - drag.origin.y, image);
      setDrag({ ...drag, rect, moved: drag.moved || farEnough(drag.origin, point) });
    } else {
      setDrag({ ...drag, rect: resizeRect(drag.start, drag.handle, point, image), moved: true });
    }
  };

  const onPointerUp = () => {
    if (!drag) return;
    setDrag(null);
    if (drag.kind === 'draw') {
      if (drag.moved && drawLabel) onCommit([...boxes, { label: drawLabel, ...drag.rect }], boxes.length);
      else onSelect(null);
    } else if (drag.moved) {
      const next = boxes.map((b, i) => (i === drag.index ? { ...b, ...drag.rect } : b));
      onCommit(next, drag.index);
    }
  };

  const shown = boxes.map((b, i) => (drag && drag.kind !== 'draw' && drag.index === i ? { ...b, ...drag.rect } : b));
  const selectedBox = selected !== null && drag?.kind !== 'draw' ? shown[selected] : undefined;
  const unit = 1 / scale;
  const suggested = ghosts.length ? ` ${ghosts.length} suggested box${ghosts.length === 1 ? '' : 'es'} shown dashed.` : '';
  const description = `${alt}: ${boxes.length} box${boxes.length === 1 ? '' : 'es'}.${suggested} ${
    drawLabel ? `Drag on the image to draw a “${drawLabel}” box.` : 'Add a class to draw boxes.'
  }`;

  return (
    <div className="canvas-frame" ref={frameRef}>
      <div className="canvas" style={{ width: display.width, height: display.height }}>
        <ApiImage
          url={imageUrl}
          alt=""
          draggable={false}
          style={{ imageRendering: scale >= 6 ? 'pixelated' : 'auto' }}
        />
        <svg
          ref={svgRef}
          role="img"
          aria-label={description}
          data-testid="box-canvas"
          viewBox={`0 0 ${image.width} ${image.height}`}
          preserveAspectRatio="none"
          className={drawLabel ? 'boxes drawing' : 'boxes'}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => setDrag(null)}
        >
          {ghosts.map((ghost) => (
            <g key={ghost.key} className={ghost.key === highlighted ? 'ghost highlighted' : 'ghost'} data-ghost={ghost.key} style={{ color: colorOf(ghost.label) }}>
              <rect x={ghost.x} y={ghost.y} width={ghost.w} height={ghost.h} />
              <text x={ghost.x + 4 * unit} y={ghost.y + ghost.h - 4 * unit} fontSize={11 * unit}>
                {ghost.label}?
              </text>
            </g>
          ))}
          {shown.map((box, i) => (
            <g key={i} data-box={i} className={i === selected ? 'box selected' : 'box'} style={{ color: colorOf(box.label) }}>
              <rect x={box.x} y={box.y} width={box.w} height={box.h} />
              <rect
                className="box-tag"
                x={box.x}
                y={Math.max(0, box.y - 16 * unit)}
                width={(box.label.length * 7 + 8) * unit}
                height={16 * unit}
              />
              <text x={box.x + 4 * unit} y={Math.max(0, box.y - 16 * unit) + 12 * unit} fontSize={12 * unit}>
                {box.label}
              </text>
            </g>
          ))}
          {drag?.kind === 'draw' && drag.moved && drawLabel ? (
            <rect className="draft" x={drag.rect.x} y={drag.rect.y} width={drag.rect.w} height={drag.rect.h} style={{ color: colorOf(drawLabel) }} />
          ) : null}
          {selectedBox
            ? HANDLES.map((handle) => {
                const p = handlePoint(selectedBox, handle);
                const size = HANDLE_PX * unit;
                return (
                  <rect
                    key={handle}
                    data-handle={handle}
                    className="handle"
                    x={p.x - size / 2}
                    y={p.y - size / 2}
                    width={size}
                    height={size}
                    style={{ cursor: CURSORS[handle] }}
                  />
                );
              })
            : null}
        </svg>
      </div>
    </div>
  );
}
