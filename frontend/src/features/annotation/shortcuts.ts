/** Class hotkeys: 1–9 then 0 for the first ten classes. */
export function hotkeyFor(index: number): string | null {
  if (index < 0 || index > 9) return null;
  return index === 9 ? '0' : String(index + 1);
}

export function classIndexForKey(key: string): number | null {
  if (!/^[0-9]$/.test(key)) return null;
  return key === '0' ? 9 : Number(key) - 1;
}

export const SHORTCUTS: readonly { keys: string[]; action: string }[] = [
  { keys: ['→', 'N'], action: 'Next item' },
  { keys: ['←', 'P'], action: 'Previous item' },
  { keys: ['1', '…', '9', '0'], action: 'Toggle that class on the image, or set the selected box’s class' },
  { keys: ['Drag'], action: 'Draw a box (on the image), move it (inside a box), resize it (on a handle)' },
  { keys: ['Delete', 'Backspace'], action: 'Delete the selected box' },
  { keys: ['Esc'], action: 'Deselect the box' },
  { keys: ['Ctrl/⌘', 'Z'], action: 'Undo' },
  { keys: ['Ctrl/⌘', 'Shift', 'Z'], action: 'Redo (also Ctrl+Y)' },
  { keys: ['?'], action: 'Show these shortcuts' },
];
