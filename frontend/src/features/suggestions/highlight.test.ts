import { describe, expect, it, vi } from 'vitest';
import { boxTitle, highlightProps } from './highlight';

describe('pointing at a suggested box', () => {
  it('highlights its ghost while the pointer or focus is on its row', () => {
    const onHighlight = vi.fn();
    const props = highlightProps('s4', onHighlight);
    props.onMouseEnter?.();
    props.onBlur?.();
    expect(onHighlight.mock.calls).toEqual([['s4'], [null]]);
    expect(highlightProps(null, onHighlight)).toEqual({});
    expect(highlightProps('s4')).toEqual({});
  });

  it('says where a box is', () => {
    expect(boxTitle({ kind: 'box', value: 'bolt', x: 21.6, y: 12, w: 52.2, h: 42 })).toBe('bolt at 22, 12, 52×42 px');
    expect(boxTitle({ kind: 'label', value: 'red', x: null, y: null, w: null, h: null })).toBe('red');
  });
});
