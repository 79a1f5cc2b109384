// Keyboard shortcuts: a key map such as {'mod+z': undo, ArrowRight: next}, ignored while typing.
import { useEffect, useRef } from 'react';

export type KeyMap = Record<string, (event: KeyboardEvent) => void>;

const NAMED: Record<string, string> = { ' ': 'Space', Esc: 'Escape', Del: 'Delete' };

/** 'mod+shift+z', 'ArrowRight', '3', '?': mod is Ctrl or ⌘; shift only joins letters and named keys. */
export function comboOf(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const key = NAMED[event.key] ?? event.key;
  const printable = key.length === 1;
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('mod');
  if (event.altKey) parts.push('alt');
  // Shifted symbols ('?', '!') already say it; letters and named keys need it spelled out.
  if (event.shiftKey && (!printable || /[a-z]/i.test(key))) parts.push('shift');
  parts.push(printable ? key.toLowerCase() : key);
  return parts.join('+');
}

export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'range', 'color', 'file'].includes(type);
}

/** Listen on the window while `enabled`; keys typed into text fields are left alone. */
export function useHotkeys(keys: KeyMap, enabled = true): void {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTyping(event.target)) return;
      const action = latest.current[comboOf(event)];
      if (!action) return;
      event.preventDefault();
      action(event);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
