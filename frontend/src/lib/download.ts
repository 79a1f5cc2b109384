// Downloads from the API. Without a token a plain link streams the file; with a token the
// browser cannot add the header to a link, so the file is fetched and saved from memory.
import { apiErrorFrom, networkError } from './errors';
import { getToken } from './token';

function filenameFrom(disposition: string | null, fallback: string): string {
  const match = disposition?.match(/filename="?([^";]+)"?/i);
  return match?.[1] ?? fallback;
}

function clickLink(href: string, filename: string): void {
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}

export async function download(url: string, fallbackName: string): Promise<void> {
  const token = getToken();
  if (!token) {
    clickLink(url, fallbackName);
    return;
  }
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw networkError(error);
  }
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    throw apiErrorFrom(response.status, body, response.statusText);
  }
  const blob = await response.blob();
  const objectUrl = URL.createObjectURL(blob);
  try {
    clickLink(objectUrl, filenameFrom(response.headers.get('Content-Disposition'), fallbackName));
  } finally {
    setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
  }
}
