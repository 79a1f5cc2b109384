// @vitest-environment jsdom
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { comboOf, isTyping, useHotkeys, type KeyMap } from './hotkeys';

const key = (k: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) =>
  comboOf({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('comboOf', () => {
  it('names keys the way key maps are written', () => {
    expect(key('ArrowRight')).toBe('ArrowRight');
    expect(key('N', { shiftKey: true })).toBe('shift+n');
    expect(key('z', { ctrlKey: true })).toBe('mod+z');
    expect(key('Z', { metaKey: true, shiftKey: true })).toBe('mod+shift+z');
    expect(key('?', { shiftKey: true })).toBe('?');
    expect(key('3')).toBe('3');
    expect(key('Del')).toBe('Delete');
  });
});

describe('isTyping', () => {
  it('is true in text fields, false on buttons and checkboxes', () => {
    const text = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTyping(text)).toBe(true);
    expect(isTyping(document.createElement('textarea'))).toBe(true);
    expect(isTyping(box)).toBe(false);
    expect(isTyping(document.createElement('button'))).toBe(false);
  });
});

function Keys({ keys }: { keys: KeyMap }) {
  useHotkeys(keys);
  return <input aria-label="field" />;
}

describe('useHotkeys', () => {
  it('runs the mapped action, but not while typing in a field', async () => {
    const next = vi.fn();
    const user = userEvent.setup();
    const { getByLabelText } = render(<Keys keys={{ ArrowRight: next }} />);
    await user.keyboard('{ArrowRight}');
    expect(next).toHaveBeenCalledTimes(1);
    await user.click(getByLabelText('field'));
    await user.keyboard('{ArrowRight}');
    expect(next).toHaveBeenCalledTimes(1);
  });
});
