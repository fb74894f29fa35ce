// Fixtures for the writer pages' tests: a site with one sector, and writer rows in the API's shapes.
import type { Content, ContentImages, Validation, WriterImage, WriterTask } from '../api/types';
import { jsonResponse, routeFetch } from './render';
import { envelope } from './sse';

export const page = (results: unknown[], count = results.length) =>
  jsonResponse(200, { success: true, count, next: null, previous: null, results, request_id: 'r' });

export function me(role = 'owner') {
  return envelope({
    user: { id: 1, email: 'a@example.com', first_name: 'A', last_name: 'B', role, is_active: true, account_id: 1 },
    account: { id: 1, name: 'Acme', credits: 100, bonus_credits: 0 },
  });
}

export function makeContent(over: Partial<Content> = {}): Content {
  return {
    id: 5,
    site_id: 1,
    sector_id: 10,
    task_id: 3,
    cluster_id: null,
    idea_id: 2,
    title: 'Meditation for anxiety: a guide',
    content_html: '<p>Meditation for anxiety helps.</p><h2>Why it works</h2><p>Breathing.</p><h2>How to start</h2><p>Sit.</p>',
    word_count: 9,
    meta_title: 'Meditation for anxiety: a guide',
    meta_description: 'A short guide.',
    primary_keyword: 'meditation for anxiety',
    secondary_keywords: ['breathing'],
    content_type: 'post',
    content_structure: 'guide',
    status: 'draft',
    site_status: 'not_published',
    source: 'offline',
    review_note: '',
    offline_draft: true,
    warnings: [],
    created_at: '2026-11-25T00:00:00Z',
    updated_at: '2026-11-25T00:00:00Z',
    ...over,
  };
}

export function makeWriterTask(over: Partial<WriterTask> = {}): WriterTask {
  return {
    id: 3,
    site_id: 1,
    sector_id: 10,
    cluster_id: null,
    idea_id: 2,
    title: 'Meditation for anxiety: a guide',
    brief: '',
    keywords: ['meditation for anxiety', 'breathing'],
    content_type: 'post',
    content_structure: 'guide',
    target_words: 1500,
    status: 'queued',
    created_at: '2026-11-25T00:00:00Z',
    updated_at: '2026-11-25T00:00:00Z',
    ...over,
  };
}

export function makeImage(over: Partial<WriterImage> = {}): WriterImage {
  return {
    id: 1,
    content_id: 5,
    site_id: 1,
    image_type: 'featured',
    position: 0,
    prompt: 'A calm person meditating',
    negative_prompt: '',
    status: 'pending',
    error: null,
    mime: null,
    width: null,
    height: null,
    size_bytes: null,
    model: null,
    file_url: null,
    updated_at: '2026-11-25T00:00:00Z',
    ...over,
  };
}

export function makeGroup(content: Content, featured: WriterImage | null, inArticle: WriterImage[] = []): ContentImages {
  return { content_id: content.id, title: content.title, featured, in_article: inArticle };
}

export function makeValidation(over: Partial<Validation> = {}): Validation {
  return {
    checks: [
      { id: 'meta_title_length', label: 'Meta title is 1–60 characters', passed: true, detail: '31 characters' },
      { id: 'keyword_in_title', label: 'Main keyword in the title', passed: false, detail: '“meditation for anxiety”' },
    ],
    score: 50,
    word_count: 9,
    target_words: 1500,
    ...over,
  };
}

/** A fake API with the shell's scope (site 1, sector 10) plus `extra` routes. */
export function writerServer(extra: Parameters<typeof routeFetch>[0] = {}, role = 'owner') {
  return routeFetch({
    'GET /api/v1/auth/me/': () => me(role),
    'GET /api/v1/auth/sites/': () => page([{ id: 1, name: 'Wellness Weekly', slug: 'ww', is_active: true, has_api_key: false, created_at: '', updated_at: '' }]),
    'GET /api/v1/auth/sites/1/sectors/': () =>
      envelope([{ id: 10, site_id: 1, industry_sector_id: 1, name: 'Mental Health', slug: 'mh', description: '', is_active: true, created_at: '' }]),
    'GET /api/v1/planner/clusters/': () => page([]),
    ...extra,
  });
}

/** The JSON body of the first call to `METHOD path`. */
export function bodyOf(fetchMock: ReturnType<typeof routeFetch>, key: string): unknown {
  const call = fetchMock.mock.calls.find(([input, init]) => `${init?.method ?? 'GET'} ${new URL(String(input), 'http://x').pathname}` === key);
  return call ? (JSON.parse(String(call[1]?.body ?? 'null')) as unknown) : undefined;
}

export function callsTo(fetchMock: ReturnType<typeof routeFetch>, key: string): number {
  return fetchMock.mock.calls.filter(([input, init]) => `${init?.method ?? 'GET'} ${new URL(String(input), 'http://x').pathname}` === key).length;
}
