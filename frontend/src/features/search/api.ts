import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../client/schema';
import { api, unwrap } from '../../lib/api';
import { queryKeys } from '../../lib/queryKeys';
import { postForm } from '../../lib/upload';
import {
  buildImageSearchForm,
  buildSearchBody,
  buildWordsBody,
  type SearchResponse,
  type SearchSettings,
  type WordSearchResponse,
} from '../../lib/searchRequest';

export type Space = components['schemas']['SpaceRead'];
export type SpaceCreate = components['schemas']['SpaceCreate'];

const BUILDING = ['queued', 'embedding', 'indexing'];
export const isBuilding = (space: Pick<Space, 'status'>) => BUILDING.includes(space.status);

/** The project's embedding spaces; polled while one is being built. */
export function useSpaces(projectId: number) {
  return useQuery({
    queryKey: queryKeys.spaces(projectId),
    queryFn: ({ signal }) =>
      unwrap(api.GET('/api/v1/projects/{project_id}/spaces', { params: { path: { project_id: projectId } }, signal })),
    refetchInterval: (query) => (query.state.data?.spaces.some(isBuilding) ? 1500 : false),
  });
}

export function useCreateSpace(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SpaceCreate) =>
      unwrap(api.POST('/api/v1/projects/{project_id}/spaces', { params: { path: { project_id: projectId } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.spaces(projectId) }),
  });
}

export function useActivateSpace(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (spaceId: number) =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/spaces/{space_id}/activate', {
          params: { path: { project_id: projectId, space_id: spaceId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.spaces(projectId) }),
  });
}

export function useDeleteSpace(projectId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (spaceId: number) =>
      unwrap(
        api.DELETE('/api/v1/projects/{project_id}/spaces/{space_id}', {
          params: { path: { project_id: projectId, space_id: spaceId } },
        }),
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.spaces(projectId) }),
  });
}

/** An image to search with, kept in memory (it is not part of the URL). */
export interface QueryImage {
  file: Blob;
  name: string;
  /** Tells one picked or pasted image from the next. */
  key: string;
}

/** Run the search the settings describe (nothing while the query is incomplete). */
export function useSearch(projectId: number, settings: SearchSettings, image: QueryImage | null) {
  const body = settings.mode === 'image' ? null : buildSearchBody(settings);
  const imageKey = settings.mode === 'image' && image ? image.key : null;
  return useQuery({
    queryKey: ['search', projectId, body, imageKey, settings.mode === 'image' ? settings : null],
    enabled: body !== null || imageKey !== null,
    queryFn: ({ signal }): Promise<SearchResponse> => {
      if (body) {
        return unwrap(api.POST('/api/v1/projects/{project_id}/search', { params: { path: { project_id: projectId } }, body, signal }));
      }
      if (!image) throw new Error('Pick an image to search with.');
      return postForm<SearchResponse>(
        `/api/v1/projects/${projectId}/search/image`,
        buildImageSearchForm(image.file, image.name, settings),
        { signal },
      );
    },
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** Search images by words (words mode), also words no item was tagged with. */
export function useWordSearch(projectId: number, settings: SearchSettings) {
  const body = buildWordsBody(settings);
  return useQuery({
    queryKey: ['search', projectId, 'words', body],
    enabled: body !== null,
    queryFn: ({ signal }): Promise<WordSearchResponse> =>
      unwrap(
        api.POST('/api/v1/projects/{project_id}/search/words', {
          params: { path: { project_id: projectId } },
          body: body ?? { words: [], k: settings.k, combine: settings.combine },
          signal,
        }),
      ),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
