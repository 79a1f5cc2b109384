// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { BoxCanvas } from './BoxCanvas';

describe('BoxCanvas', () => {
  it('draws suggested boxes dashed beside the real ones, and says how many there are', () => {
    const { container } = render(
      <BoxCanvas
        imageUrl="/api/v1/projects/1/items/2/image"
        alt="beam.png"
        image={{ width: 200, height: 100 }}
        boxes={[{ label: 'crack', x: 10, y: 10, w: 20, h: 20 }]}
        selected={null}
        drawLabel="crack"
        colorOf={() => '#f00'}
        onSelect={vi.fn()}
        onCommit={vi.fn()}
        ghosts={[{ key: 's7', label: 'rust', score: 0.8, x: 50, y: 40, w: 30, h: 20 }]}
      />,
    );
    const canvas = screen.getByTestId('box-canvas');
    expect(canvas).toHaveAccessibleName(/1 box\. 1 suggested box shown dashed\./);
    expect(container.querySelectorAll('[data-box]')).toHaveLength(1);
    const ghost = container.querySelector('[data-ghost="s7"]');
    expect(ghost).not.toBeNull();
    expect(ghost?.getAttribute('class')).toBe('ghost');
    expect(ghost?.querySelector('rect')?.getAttribute('x')).toBe('50');
    expect(ghost?.textContent).toBe('rust?');
  });
});
