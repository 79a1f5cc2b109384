// The one API client: typed by the generated schema (src/client/schema.ts), with the bearer token
// added to every request and every failure turned into an ApiError.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from '../client/schema';
import { apiErrorFrom, networkError } from './errors';
import { getToken } from './token';

export type Schemas = components['schemas'];
export type Project = Schemas['ProjectRead'];
export type Item = Schemas['ItemRead'];
export type ItemPage = Schemas['ItemList'];
export type Box = Schemas['BoxIn'];
export type LabelClass = Schemas['LabelClassRead'];
export type Job = Schemas['JobRead'];
export type Health = Schemas['Health'];
export type AnnotationsPut = Schemas['AnnotationsPut'];
export type BulkAnnotate = Schemas['BulkAnnotate'];
export type UploadResult = Schemas['UploadResult'];
export type Split = NonNullable<Item['split']>;
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

const auth: Middleware = {
  onRequest({ request }) {
    const token = getToken();
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>({
  // Same origin as the app (absolute, as Request objects outside browsers need).
  baseUrl: globalThis.location?.origin ?? '',
  // Looked up per call, so tests can replace the global fetch.
  fetch: (request) => globalThis.fetch(request),
});
api.use(auth);

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Await an openapi-fetch call: its data when the response is 2xx, else throw an ApiError. */
export async function unwrap<T>(call: Promise<Outcome<T>>): Promise<T> {
  let outcome: Outcome<T>;
  try {
    outcome = await call;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkError(error);
  }
  const { response } = outcome;
  if (!response.ok) throw apiErrorFrom(response.status, outcome.error, response.statusText);
  return outcome.data as T;
}
