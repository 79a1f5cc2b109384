// The API token (MIRERU_ADMIN_TOKEN on the server), kept in this browser's localStorage and sent
// as `Authorization: Bearer <token>`. A sign-in page replaces this later.
import { useSyncExternalStore } from 'react';

const KEY = 'mireru.apiToken';
const listeners = new Set<() => void>();

export function getToken(): string | null {
  try {
    const value = localStorage.getItem(KEY);
    return value ? value : null;
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  const trimmed = token?.trim() ?? '';
  if (trimmed) localStorage.setItem(KEY, trimmed);
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener();
}

export function authHeaders(): Record<string, string> {
  const token = getToken();
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useToken(): string | null {
  return useSyncExternalStore(subscribe, getToken, () => null);
}
