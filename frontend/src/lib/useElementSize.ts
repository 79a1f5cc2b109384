import { useCallback, useEffect, useState } from 'react';
import type { Size } from './geometry';

/** The content size (inside the padding) of an element, kept current with a ResizeObserver. Attach `ref` to it. */
export function useElementSize<T extends HTMLElement>(): [(node: T | null) => void, Size] {
  const [node, setNode] = useState<T | null>(null);
  const [size, setSize] = useState<Size>({ width: 0, height: 0 });
  const ref = useCallback((el: T | null) => setNode(el), []);
  useEffect(() => {
    if (!node) return;
    const measure = () => {
      const style = getComputedStyle(node);
      const padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight) || 0;
      const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom) || 0;
      const next = { width: Math.max(0, node.clientWidth - padX), height: Math.max(0, node.clientHeight - padY) };
      setSize((prev) => (prev.width === next.width && prev.height === next.height ? prev : next));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [node]);
  return [ref, size];
}
