/** Where to go after signing in: a path of this app only (never another site). */
export function safeNext(raw: string | null): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw.startsWith('/sign-in')) return '/';
  return raw;
}

export function signInHref(pathname: string, search: string): string {
  const here = `${pathname}${search}`;
  return here === '/' || here.startsWith('/sign-in') ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`;
}
