import { describe, expect, it } from 'vitest';
import { classIndexForKey, hotkeyFor } from './shortcuts';

describe('class hotkeys', () => {
  it('maps 1–9 then 0 onto the first ten classes', () => {
    expect([0, 1, 8, 9, 10].map(hotkeyFor)).toEqual(['1', '2', '9', '0', null]);
    expect(['1', '9', '0', 'a'].map(classIndexForKey)).toEqual([0, 8, 9, null]);
  });
});
