// Writer → Images: the images of each article, grouped (the featured image, then the in-article ones in order).
// "Generate image prompts" describes the images of articles that have none; "Generate images" makes the pending
// and failed ones; each made image can be made again; a failed one shows why.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Scope } from '../../api/planner';
import type { Content, ContentImages, WriterImage } from '../../api/types';
import { MAX_IMAGES_PER_RUN, MAX_IMAGE_PROMPT_ARTICLES, listContent, useContentImages, writerKeys } from '../../api/writer';
import { ChevronLeftIcon, ChevronRightIcon, ImageIcon, InfoIcon, RefreshIcon } from '../../components/icons';
import { Button, ButtonLink, Card, EmptyState, ErrorAlert, LoadingBlock, PageHeader, Select, cx } from '../../components/ui';
import { NextAction, OfflineBadge, ScopeGate, TaskStartError, plural, useCanEdit, usePlannerScope, type PlannerScope } from '../planner/shared';
import { ContentStatusBadge, useGenerateImagePrompts, useGenerateImages, useRegenerateImage } from './shared';

const PAGE_SIZE = 10;

function imagesOf(group: ContentImages | undefined): WriterImage[] {
  if (!group) return [];
  return [...(group.featured ? [group.featured] : []), ...group.in_article];
}

function ImageTile({
  image,
  label,
  featured,
  canEdit,
  onRegenerate,
  onRetry,
  busy,
}: {
  image: WriterImage;
  label: string;
  featured?: boolean;
  canEdit: boolean;
  onRegenerate: () => void;
  onRetry: () => void;
  busy: boolean;
}) {
  return (
    <figure
      className={cx('flex min-w-0 flex-col gap-1.5', featured ? 'w-full sm:w-72' : 'w-[calc(50%-0.375rem)] sm:w-40')}
      data-testid="image-tile"
      data-status={image.status}
    >
      <div
        // The made image's own proportions; before that, the usual ones (wide featured, square in-article).
        style={{ aspectRatio: image.width && image.height ? `${image.width} / ${image.height}` : featured ? '3 / 2' : '1 / 1' }}
        className={cx(
          'relative flex w-full items-center justify-center overflow-hidden rounded-lg',
          image.status === 'generated' && 'bg-zinc-100 dark:bg-zinc-800',
          image.status === 'pending' && 'border border-dashed border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900/60',
          image.status === 'failed' && 'border border-red-200 bg-red-50 dark:border-red-900/60 dark:bg-red-950/30',
        )}
      >
        {image.status === 'generated' && image.file_url ? (
          <img
            src={image.file_url}
            alt={image.prompt}
            loading="lazy"
            data-testid="image-thumb"
            className="size-full object-cover"
          />
        ) : image.status === 'failed' ? (
          <div className="px-3 text-center">
            <p className="text-[13px] font-medium text-red-700 dark:text-red-300">Failed</p>
            <p className="mt-0.5 line-clamp-3 text-xs text-red-700/90 dark:text-red-300/90" data-testid="image-error" title={image.error ?? undefined}>
              {image.error || 'No reason was given.'}
            </p>
          </div>
        ) : (
          <div className="px-3 text-center text-zinc-400 dark:text-zinc-500">
            <ImageIcon size={22} className="mx-auto" />
            <p className="mt-1 text-xs">Not made yet</p>
          </div>
        )}
        <span className="absolute top-1.5 left-1.5 rounded bg-zinc-950/60 px-1.5 py-0.5 text-[11px] font-medium text-white">{label}</span>
      </div>
      <figcaption className="flex items-start justify-between gap-2">
        <span className="line-clamp-2 min-w-0 text-xs text-zinc-500 dark:text-zinc-400" title={image.prompt}>
          {image.status === 'generated' && image.width && image.height ? `${image.width}×${image.height} · ` : ''}
          {image.prompt}
        </span>
        {canEdit && image.status !== 'pending' && (
          <Button
            size="sm"
            variant="ghost"
            className="-mt-1 -mr-1 h-7 px-1.5"
            aria-label={`${image.status === 'failed' ? 'Try again' : 'Make again'}: ${label}`}
            title={image.status === 'failed' ? 'Try again' : 'Make again'}
            disabled={busy}
            onClick={image.status === 'failed' ? onRetry : onRegenerate}
          >
            <RefreshIcon size={14} className="text-zinc-500" />
          </Button>
        )}
      </figcaption>
    </figure>
  );
}

function ArticleImages({
  content,
  group,
  canEdit,
  onPrompts,
  onGenerate,
  onRegenerate,
  busy,
}: {
  content: Content;
  group: ContentImages | undefined;
  canEdit: boolean;
  onPrompts: (ids: number[]) => void;
  onGenerate: (ids: number[]) => void;
  onRegenerate: (id: number) => void;
  busy: boolean;
}) {
  const images = imagesOf(group);
  const toMake = images.filter((i) => i.status !== 'generated');
  const made = images.length - toMake.length;
  return (
    <li
      className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="article-images"
      aria-label={content.title}
    >
      <div className="flex flex-wrap items-start justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <div className="min-w-0">
          <Link
            to={`/writer/content/${content.id}`}
            className="font-medium text-zinc-900 hover:text-accent-700 hover:underline dark:text-zinc-100 dark:hover:text-accent-300"
          >
            {content.title}
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-[12px] text-zinc-500 dark:text-zinc-400">
            <ContentStatusBadge status={content.status} />
            <OfflineBadge item={content} />
            <span>{images.length === 0 ? 'No images yet' : `${made} of ${plural(images.length, 'image')} made`}</span>
          </div>
        </div>
        {canEdit && images.length === 0 && (
          <Button size="sm" disabled={busy} onClick={() => onPrompts([content.id])}>
            Generate image prompts
          </Button>
        )}
        {canEdit && toMake.length > 0 && (
          <Button size="sm" disabled={busy} onClick={() => onGenerate(toMake.map((i) => i.id))}>
            Generate {toMake.length === 1 ? 'the image' : `${toMake.length} images`}
          </Button>
        )}
      </div>
      {images.length > 0 && (
        <div className="flex flex-wrap gap-3 p-4">
          {group?.featured && (
            <ImageTile
              image={group.featured}
              label="Featured"
              featured
              canEdit={canEdit}
              busy={busy}
              onRegenerate={() => onRegenerate(group.featured!.id)}
              onRetry={() => onGenerate([group.featured!.id])}
            />
          )}
          {group?.in_article.map((image, i) => (
            <ImageTile
              key={image.id}
              image={image}
              label={`In-article ${i + 1}`}
              canEdit={canEdit}
              busy={busy}
              onRegenerate={() => onRegenerate(image.id)}
              onRetry={() => onGenerate([image.id])}
            />
          ))}
        </div>
      )}
    </li>
  );
}

function ImagesBody({ ps }: { ps: PlannerScope }) {
  const { canEdit } = useCanEdit();
  const scope = ps.scope as Scope;
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const prompts = useGenerateImagePrompts();
  const make = useGenerateImages();
  const regenerate = useRegenerateImage();

  const params = { ...scope, status: status || undefined, page, page_size: PAGE_SIZE, ordering: '-updated_at' };
  const articles = useQuery({
    queryKey: [...writerKeys.content, 'images-page', params],
    queryFn: () => listContent(params),
    placeholderData: keepPreviousData,
  });
  const rows = articles.data?.results ?? [];
  const groups = useContentImages(rows.map((r) => r.id));
  const byContent = new Map((groups.data ?? []).map((g) => [g.content_id, g]));

  const withoutImages = rows.filter((r) => imagesOf(byContent.get(r.id)).length === 0);
  const toMake = rows.flatMap((r) => imagesOf(byContent.get(r.id)).filter((i) => i.status !== 'generated'));
  const count = articles.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / PAGE_SIZE));
  const busy = prompts.pending || make.pending || regenerate.pending;
  const groupsReady = !groups.isLoading && !groups.isPlaceholderData;

  return (
    <>
      <PageHeader
        eyebrow="Writer"
        title="Images"
        description={`The featured and in-article images of each article of ${ps.label}.`}
        actions={
          <Select
            aria-label="Articles"
            value={status}
            onChange={(e) => {
              setStatus(e.target.value);
              setPage(1);
            }}
            className="w-auto"
          >
            <option value="">All articles</option>
            <option value="draft">Drafts</option>
            <option value="review">In review</option>
            <option value="approved">Approved</option>
          </Select>
        }
      />
      {canEdit && groupsReady && withoutImages.length > 0 && (
        <NextAction
          testId="next-action-prompts"
          action={
            <Button
              size="sm"
              variant="primary"
              loading={prompts.pending}
              disabled={busy}
              onClick={() => prompts.start(withoutImages.slice(0, MAX_IMAGE_PROMPT_ARTICLES).map((r) => r.id))}
            >
              <ImageIcon size={15} /> Generate image prompts
            </Button>
          }
        >
          <strong>{plural(withoutImages.length, 'article')}</strong> on this page without images
          {withoutImages.length > MAX_IMAGE_PROMPT_ARTICLES ? ` (the first ${MAX_IMAGE_PROMPT_ARTICLES} are done per run)` : ''}.
        </NextAction>
      )}
      {canEdit && groupsReady && toMake.length > 0 && (
        <NextAction
          testId="next-action-images"
          action={
            <Button
              size="sm"
              variant="primary"
              loading={make.pending}
              disabled={busy}
              onClick={() => make.start(toMake.slice(0, MAX_IMAGES_PER_RUN).map((i) => i.id))}
            >
              <ImageIcon size={15} /> Generate images
            </Button>
          }
        >
          <strong>{plural(toMake.length, 'image')}</strong> described and waiting to be made
          {toMake.some((i) => i.status === 'failed') ? ', including failed ones' : ''}
          {toMake.length > MAX_IMAGES_PER_RUN ? ` (the first ${MAX_IMAGES_PER_RUN} are made per run)` : ''}.
        </NextAction>
      )}
      <TaskStartError error={prompts.error ?? make.error ?? regenerate.error} className="mb-4" />

      {articles.isLoading ? (
        <LoadingBlock />
      ) : articles.isError ? (
        <ErrorAlert error={articles.error} />
      ) : rows.length === 0 ? (
        <Card>
          <EmptyState
            icon={<ImageIcon size={22} />}
            title={status ? 'No articles in this state' : 'No articles yet'}
            action={<ButtonLink to="/writer/tasks" variant="primary">Go to tasks</ButtonLink>}
          >
            Images belong to articles: write articles from writer tasks first.
          </EmptyState>
        </Card>
      ) : (
        <>
          {groups.isError && <ErrorAlert error={groups.error} className="mb-4" />}
          <ul className="space-y-4" aria-label="Articles and their images" aria-busy={groups.isFetching || undefined}>
            {rows.map((content) => (
              <ArticleImages
                key={content.id}
                content={content}
                group={byContent.get(content.id)}
                canEdit={canEdit}
                busy={busy}
                onPrompts={(ids) => prompts.start(ids)}
                onGenerate={(ids) => make.start(ids)}
                onRegenerate={(id) => regenerate.start(id)}
              />
            ))}
          </ul>
          {count > PAGE_SIZE && (
            <div className="mt-4 flex items-center justify-end gap-3 text-[13px] text-zinc-500 dark:text-zinc-400">
              <span>
                Page {page} of {pages}
              </span>
              <div className="flex gap-1">
                <Button size="sm" aria-label="Previous page" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                  <ChevronLeftIcon size={14} />
                </Button>
                <Button size="sm" aria-label="Next page" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
                  <ChevronRightIcon size={14} />
                </Button>
              </div>
            </div>
          )}
          <p className="mt-3 flex items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400">
            <InfoIcon size={14} className="shrink-0" /> A draft moves to review by itself once all its images are made.
          </p>
        </>
      )}
      {prompts.modal}
      {make.modal}
      {regenerate.modal}
    </>
  );
}

export default function ImagesPage() {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Writer" title="Images" />}
      <ScopeGate scope={ps}>
        <ImagesBody ps={ps} />
      </ScopeGate>
    </>
  );
}
