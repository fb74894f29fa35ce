// Parts of the article editor: a text field with a live character counter, the SEO checklist, the rendered
// preview of the body, and the article's categories and tags.
import { cloneElement, useId, useMemo, type ReactElement, type ReactNode } from 'react';
import type { Taxonomy, Validation } from '../../api/types';
import { CheckCircleIcon, XCircleIcon } from '../../components/icons';
import { Badge, ErrorAlert, Spinner, cx, formatNumber } from '../../components/ui';
import { sanitizeHtml } from '../../lib/sanitizeHtml';

/** Characters as a person counts them (an emoji is one), as the server counts them. */
export function charCount(text: string): number {
  return [...text].length;
}

export type CountState = 'ok' | 'short' | 'over';

export function countState(length: number, max: number, min = 0): CountState {
  if (length > max) return 'over';
  if (length < min) return 'short';
  return 'ok';
}

/**
 * A labelled control with "n / max" on the right of its label. Over the limit the counter and the control turn red
 * and `overMessage` explains; under `min` the counter turns amber (the SEO checklist will flag it).
 */
export function CountedField({
  label,
  value,
  max,
  min,
  hint,
  error,
  children,
  testId,
}: {
  label: ReactNode;
  value: string;
  max: number;
  min?: number;
  hint?: ReactNode;
  error?: string;
  children: ReactElement<Record<string, unknown>>;
  testId?: string;
}) {
  const id = useId();
  const length = charCount(value);
  const state = countState(length, max, min);
  const counterId = `${id}-count`;
  const messageId = `${id}-message`;
  const message = error ?? (state === 'over' ? `${formatNumber(length - max)} over the ${max}-character limit.` : undefined);
  const control = cloneElement(children, { id, 'aria-invalid': message ? true : undefined, 'aria-describedby': `${counterId} ${messageId}` });
  return (
    <div className="space-y-1.5">
      <div className="flex items-baseline justify-between gap-3">
        <label htmlFor={id} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
          {label}
        </label>
        <span
          id={counterId}
          data-testid={testId}
          data-state={state}
          aria-live="polite"
          className={cx(
            'shrink-0 text-xs tabular-nums',
            state === 'over' && 'font-semibold text-red-600 dark:text-red-400',
            state === 'short' && 'text-amber-700 dark:text-amber-300',
            state === 'ok' && 'text-zinc-500 dark:text-zinc-400',
          )}
        >
          {length} / {max}
          <span className="sr-only"> characters</span>
        </span>
      </div>
      {control}
      <p id={messageId} className={cx('text-[13px]', message ? 'text-red-600 dark:text-red-400' : 'text-zinc-500 dark:text-zinc-400')}>
        {message ?? hint}
      </p>
    </div>
  );
}

/** The SEO checklist with its score; `stale` while unsaved changes are not reflected yet. */
export function ValidationPanel({
  validation,
  loading,
  error,
  stale,
  refreshing,
}: {
  validation: Validation | undefined;
  loading: boolean;
  error?: unknown;
  stale?: boolean;
  refreshing?: boolean;
}) {
  const passed = validation?.checks.filter((c) => c.passed).length ?? 0;
  const total = validation?.checks.length ?? 0;
  const score = validation?.score ?? 0;
  const tone = score >= 80 ? 'bg-emerald-500' : score >= 50 ? 'bg-amber-500' : 'bg-red-500';
  return (
    <section
      aria-labelledby="seo-checklist"
      data-testid="seo-checklist"
      className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id="seo-checklist" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
          SEO checklist
        </h2>
        {refreshing ? (
          <Spinner size={14} className="text-zinc-400" />
        ) : validation ? (
          <span className="text-sm font-semibold text-zinc-900 tabular-nums dark:text-zinc-50" data-testid="seo-score">
            {score} %
          </span>
        ) : null}
      </header>
      <div className="space-y-3 px-4 py-3">
        {loading && !validation ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner size={14} /> Checking…
          </p>
        ) : error && !validation ? (
          <ErrorAlert error={error} />
        ) : validation ? (
          <>
            <div>
              <div
                role="meter"
                aria-label="SEO score"
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={score}
                className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
              >
                <div className={cx('h-full rounded-full', tone)} style={{ width: `${Math.min(100, Math.max(0, score))}%` }} />
              </div>
              <p className="mt-1.5 text-xs text-zinc-500 dark:text-zinc-400">
                {passed} of {total} checks pass · {formatNumber(validation.word_count)} words
                {validation.target_words ? ` of ${formatNumber(validation.target_words)}` : ''}
              </p>
            </div>
            {stale && (
              <p className="rounded-md bg-amber-50 px-2.5 py-1.5 text-xs text-amber-800 dark:bg-amber-500/10 dark:text-amber-200">
                Save to check your latest changes.
              </p>
            )}
            <ul className="space-y-2" aria-label="Checks">
              {validation.checks.map((check) => (
                <li key={check.id} className="flex gap-2 text-[13px]" data-testid="seo-check" data-passed={check.passed}>
                  {check.passed ? (
                    <CheckCircleIcon size={16} className="mt-px shrink-0 text-emerald-600 dark:text-emerald-400" />
                  ) : (
                    <XCircleIcon size={16} className="mt-px shrink-0 text-red-500 dark:text-red-400" />
                  )}
                  <span className="min-w-0">
                    <span className={cx('block', check.passed ? 'text-zinc-700 dark:text-zinc-300' : 'font-medium text-zinc-900 dark:text-zinc-100')}>
                      {check.label}
                      <span className="sr-only">{check.passed ? ': passed' : ': not yet'}</span>
                    </span>
                    {check.detail && <span className="block text-xs break-words text-zinc-500 dark:text-zinc-400">{check.detail}</span>}
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
    </section>
  );
}

/** The body as a reader sees it (cleaned again here: it may hold unsaved text). */
export function ArticlePreview({ title, html }: { title: string; html: string }) {
  const clean = useMemo(() => sanitizeHtml(html), [html]);
  return (
    <article className="article-preview" data-testid="article-preview">
      {/* The page's own H1 is the editor heading; the article's title is drawn like its H1 here. */}
      <p className="preview-title">{title || 'Untitled'}</p>
      <div dangerouslySetInnerHTML={{ __html: clean }} />
    </article>
  );
}

export function TaxonomyList({
  taxonomies,
  loading,
  error,
}: {
  taxonomies: Taxonomy[] | undefined;
  loading: boolean;
  error?: unknown;
}) {
  const categories = (taxonomies ?? []).filter((t) => t.taxonomy_type === 'category');
  const tags = (taxonomies ?? []).filter((t) => t.taxonomy_type !== 'category');
  const group = (label: string, items: Taxonomy[], tone: 'accent' | 'neutral') => (
    <div>
      <h3 className="mb-1.5 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">{label}</h3>
      {items.length === 0 ? (
        <p className="text-[13px] text-zinc-400">None</p>
      ) : (
        <ul className="flex flex-wrap gap-1.5" aria-label={label}>
          {items.map((t) => (
            <li key={t.id}>
              <Badge tone={tone}>{t.name}</Badge>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
  return (
    <section
      aria-labelledby="article-taxonomies"
      className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="article-taxonomies"
    >
      <header className="border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id="article-taxonomies" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
          Categories &amp; tags
        </h2>
      </header>
      <div className="space-y-3 px-4 py-3">
        {loading && !taxonomies ? (
          <p className="flex items-center gap-2 text-sm text-zinc-500">
            <Spinner size={14} /> Loading…
          </p>
        ) : error && !taxonomies ? (
          <ErrorAlert error={error} />
        ) : (
          <>
            {group('Categories', categories, 'accent')}
            {group('Tags', tags, 'neutral')}
          </>
        )}
      </div>
    </section>
  );
}
