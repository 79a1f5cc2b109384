// Multipart uploads with progress. fetch() cannot report upload progress, so this uses
// XMLHttpRequest; the URL, fields and answer follow the generated schema's upload route.
import type { Job, UploadResult } from './api';
import { ApiError, apiErrorFrom, networkError } from './errors';
import { authHeaders } from './token';

export interface UploadOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** POST a form; resolve with the parsed JSON answer, or reject with an ApiError. */
export function postForm<T>(url: string, form: FormData, options: UploadOptions = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        options.onProgress?.(1);
        resolve(body as T);
      } else {
        reject(apiErrorFrom(xhr.status, body, xhr.statusText));
      }
    };
    xhr.onerror = () => reject(networkError(new Error('the upload was interrupted')));
    xhr.onabort = () => reject(new ApiError(0, 'aborted', 'Upload cancelled.'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

/** Upload image files (`POST /projects/{id}/items`); the request is all-or-nothing. */
export function uploadImages(projectId: number, files: File[], options?: UploadOptions): Promise<UploadResult> {
  const form = new FormData();
  for (const file of files) form.append('files', file, file.name);
  return postForm<UploadResult>(`/api/v1/projects/${projectId}/items`, form, options);
}

/** Start an import job (`POST /projects/{id}/imports`) from a zip or CSV. */
export function startImport(
  projectId: number,
  file: File,
  format: 'coco' | 'imagefolder' | 'csv' | null,
  options?: UploadOptions,
): Promise<Job> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (format) form.append('format', format);
  return postForm<Job>(`/api/v1/projects/${projectId}/imports`, form, options);
}
