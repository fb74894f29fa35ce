import { describe, expect, it } from 'vitest';
import { makeTask } from '../test/sse';
import { articlesSummary, imagePromptsSummary, imagesSummary } from './writer';

const withResult = (result: Record<string, unknown>) => makeTask({ status: 'succeeded', result: result as never });

describe('writer task summaries', () => {
  it('words each result', () => {
    expect(articlesSummary(withResult({ articles: 1, content_ids: [5] }))).toBe('1 article written.');
    expect(imagePromptsSummary(withResult({ images_created: 6, content_ids: [1, 2] }))).toBe('6 image prompts for 2 articles. Generate the images next.');
    expect(imagesSummary(withResult({ images_generated: 3, total_images: 3, images_failed: 0, content_in_review: [5] }))).toBe(
      '3 of 3 images made; 1 article moved to review.',
    );
    expect(imagesSummary(withResult({ images_generated: 1, total_images: 3, images_failed: 2, content_in_review: [] }))).toBe(
      '1 of 3 images made; 2 failed (see the Images page for why).',
    );
  });

  it('falls back to the task message when the result is not known', () => {
    expect(articlesSummary(withResult({}))).toBeNull();
    expect(imagesSummary(withResult({}))).toBeNull();
  });
});
