// TanStack Query hooks, cache keys and calls for the writer: tasks, content (drafts → review → approved), images,
// taxonomies and the writing settings. Every writer write refreshes everything under `['writer']`; queueing ideas
// also refreshes the planner (ideas become `queued`).
import { keepPreviousData, useQuery, type QueryClient } from '@tanstack/react-query';
import type { Page } from './client';
import { api } from './index';
import { plannerKeys } from './planner';
import type { operations } from './schema';
import type { Content, ContentImages, Task, WriterTask } from './types';

export const writerKeys = {
  all: ['writer'] as const,
  tasks: ['writer', 'tasks'] as const,
  taskOptions: ['writer', 'tasks', 'options'] as const,
  taskCount: (params: object) => ['writer', 'tasks', 'count', params] as const,
  content: ['writer', 'content'] as const,
  contentCount: (params: object) => ['writer', 'content', 'count', params] as const,
  contentOne: (id: number) => ['writer', 'content', 'one', id] as const,
  validation: (id: number) => ['writer', 'content', 'one', id, 'validation'] as const,
  taxonomies: (id: number) => ['writer', 'content', 'one', id, 'taxonomies'] as const,
  images: ['writer', 'images'] as const,
  contentImages: (ids: number[]) => ['writer', 'images', 'content', ids] as const,
  settings: ['writer', 'settings'] as const,
};

/** The API's limits per request. */
export const MAX_ARTICLES_PER_RUN = 10;
export const MAX_IMAGE_PROMPT_ARTICLES = 10;
export const MAX_IMAGES_PER_RUN = 30;
export const META_TITLE_MAX = 60;
export const META_DESCRIPTION_MAX = 160;
/** The SEO checklist asks for at least this many characters in the meta description. */
export const META_DESCRIPTION_MIN = 70;

export function refreshWriter(queryClient: QueryClient) {
  void queryClient.invalidateQueries({ queryKey: writerKeys.all });
}

/** Queueing ideas and writing articles change planner figures too (idea status, cluster content counts). */
export function refreshWriterAndPlanner(queryClient: QueryClient) {
  refreshWriter(queryClient);
  void queryClient.invalidateQueries({ queryKey: plannerKeys.all });
}

export type WriterTaskQuery = NonNullable<operations['list_writer_tasks']['parameters']['query']>;

export function listWriterTasks(query: WriterTaskQuery): Promise<Page<WriterTask>> {
  return api.get('/api/v1/writer/tasks', { query });
}

export type ContentQuery = NonNullable<operations['list_content']['parameters']['query']>;

export function listContent(query: ContentQuery): Promise<Page<Content>> {
  return api.get('/api/v1/writer/content', { query });
}

export function useWriterTaskOptions() {
  return useQuery({
    queryKey: writerKeys.taskOptions,
    queryFn: async () => {
      const data = (await api.get('/api/v1/writer/tasks/filter_options')) as unknown as Record<string, unknown>;
      const list = (key: string) => (Array.isArray(data[key]) ? (data[key] as unknown[]).map(String) : []);
      return { status: list('status'), content_type: list('content_type') };
    },
    staleTime: 30_000,
  });
}

/** How many writer tasks match (one row asked for). */
export function useWriterTaskCount(params: WriterTaskQuery | null) {
  return useQuery({
    queryKey: writerKeys.taskCount(params ?? {}),
    queryFn: async () => (await listWriterTasks({ ...params, page_size: 1 })).count,
    enabled: params !== null,
  });
}

/** How many articles match (one row asked for). */
export function useContentCount(params: ContentQuery | null) {
  return useQuery({
    queryKey: writerKeys.contentCount(params ?? {}),
    queryFn: async () => (await listContent({ ...params, page_size: 1 })).count,
    enabled: params !== null,
  });
}

export function useContent(id: number | null) {
  return useQuery({
    queryKey: writerKeys.contentOne(id ?? 0),
    queryFn: () => api.get('/api/v1/writer/content/{id}', { path: { id: id ?? 0 } }),
    enabled: id !== null,
  });
}

export function useValidation(id: number | null) {
  return useQuery({
    queryKey: writerKeys.validation(id ?? 0),
    queryFn: () => api.get('/api/v1/writer/content/{id}/validation', { path: { id: id ?? 0 } }),
    enabled: id !== null,
    placeholderData: keepPreviousData,
  });
}

export function useContentTaxonomies(id: number | null) {
  return useQuery({
    queryKey: writerKeys.taxonomies(id ?? 0),
    queryFn: () => api.get('/api/v1/writer/content/{id}/taxonomies', { path: { id: id ?? 0 } }),
    enabled: id !== null,
  });
}

/** Images of these articles, grouped: the featured one and the in-article ones in order. */
export function useContentImages(ids: number[]) {
  return useQuery({
    queryKey: writerKeys.contentImages(ids),
    queryFn: async (): Promise<ContentImages[]> =>
      ids.length === 0 ? [] : api.get('/api/v1/writer/images/content_images', { query: { content_ids: ids.join(',') } }),
    placeholderData: keepPreviousData,
  });
}

export function useWriterSettings() {
  return useQuery({ queryKey: writerKeys.settings, queryFn: () => api.get('/api/v1/writer/settings'), staleTime: 60_000 });
}

// ---------------------------------------------------------------------------------------------------------------
// Task results → one-line summaries for the progress modal

function resultOf(task: Task): Record<string, unknown> {
  return (task.result as Record<string, unknown> | null | undefined) ?? {};
}

const num = (r: Record<string, unknown>, key: string) => (typeof r[key] === 'number' ? (r[key] as number) : null);
const many = (n: number, one: string, more = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : more}`;

/** "2 articles written." from generate_content. */
export function articlesSummary(task: Task): string | null {
  const r = resultOf(task);
  const articles = num(r, 'articles') ?? (Array.isArray(r.content_ids) ? r.content_ids.length : null);
  if (articles === null) return null;
  const offline = r.offline === true ? ' Offline drafts: written from the outline by the built-in provider, not by an AI model.' : '';
  return `${many(articles, 'article')} written.${offline}`;
}

/** "3 image prompts for 1 article." from generate_image_prompts. */
export function imagePromptsSummary(task: Task): string | null {
  const r = resultOf(task);
  const images = num(r, 'images_created');
  if (images === null) return null;
  const articles = Array.isArray(r.content_ids) ? r.content_ids.length : null;
  return `${many(images, 'image prompt')}${articles !== null ? ` for ${many(articles, 'article')}` : ''}. Generate the images next.`;
}

/** "3 of 3 images made; 1 article moved to review." from generate_images. */
export function imagesSummary(task: Task): string | null {
  const r = resultOf(task);
  const made = num(r, 'images_generated');
  if (made === null) return null;
  const total = num(r, 'total_images') ?? made;
  const failed = num(r, 'images_failed') ?? 0;
  const toReview = Array.isArray(r.content_in_review) ? r.content_in_review.length : 0;
  const parts = [`${made.toLocaleString()} of ${many(total, 'image')} made`];
  if (failed > 0) parts.push(`${failed.toLocaleString()} failed (see the Images page for why)`);
  if (toReview > 0) parts.push(`${many(toReview, 'article')} moved to review`);
  return `${parts.join('; ')}.`;
}
