// Writer → an article in the editor: title, keywords, meta title and description with live character counters,
// the HTML body (edited as HTML, shown as a cleaned preview), the SEO checklist (checked again after each save),
// categories and tags, the article's images, and its editorial step: submit a draft for review, approve or
// reject one in review.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import type { Content, ContentImages, ContentPatch } from '../../api/types';
import {
  META_DESCRIPTION_MAX,
  META_DESCRIPTION_MIN,
  META_TITLE_MAX,
  refreshWriterAndPlanner,
  useContent,
  useContentImages,
  useContentTaxonomies,
  useValidation,
  writerKeys,
} from '../../api/writer';
import { ArrowLeftIcon, CheckCircleIcon, ImageIcon, SendIcon, XIcon } from '../../components/icons';
import {
  Alert,
  Badge,
  Button,
  ButtonLink,
  Card,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  LoadingBlock,
  Textarea,
  cx,
  fieldError,
  formatNumber,
} from '../../components/ui';
import { countWords } from '../../lib/sanitizeHtml';
import { toast } from '../../stores/toast';
import { NextAction, OfflineBadge, TaskStartError, useCanEdit } from '../planner/shared';
import { ArticlePreview, CountedField, TaxonomyList, ValidationPanel, charCount } from './editorParts';
import { ContentStatusBadge, LIST_OF_STATUS, ReviewDialog, useGenerateImagePrompts, useGenerateImages, useSubmitForReview } from './shared';

interface EditorForm {
  title: string;
  primary_keyword: string;
  secondary_keywords: string;
  meta_title: string;
  meta_description: string;
  content_html: string;
}

const splitList = (text: string) =>
  text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);

export function formOf(c: Content): EditorForm {
  return {
    title: c.title,
    primary_keyword: c.primary_keyword,
    secondary_keywords: c.secondary_keywords.join(', '),
    meta_title: c.meta_title,
    meta_description: c.meta_description,
    content_html: c.content_html,
  };
}

/** Only what changed, in the API's shape. */
export function patchOf(c: Content, f: EditorForm): ContentPatch {
  const patch: ContentPatch = {};
  if (f.title.trim() !== c.title) patch.title = f.title.trim();
  if (f.primary_keyword.trim() !== c.primary_keyword) patch.primary_keyword = f.primary_keyword.trim();
  const secondary = splitList(f.secondary_keywords);
  if (secondary.join('\n') !== c.secondary_keywords.join('\n')) patch.secondary_keywords = secondary;
  if (f.meta_title !== c.meta_title) patch.meta_title = f.meta_title;
  if (f.meta_description !== c.meta_description) patch.meta_description = f.meta_description;
  if (f.content_html !== c.content_html) patch.content_html = f.content_html;
  return patch;
}

/** Problems the API would refuse, found before asking. */
function localErrors(f: EditorForm): Partial<Record<keyof EditorForm, string>> {
  const errors: Partial<Record<keyof EditorForm, string>> = {};
  if (!f.title.trim()) errors.title = 'Enter a title.';
  if (charCount(f.meta_title) > META_TITLE_MAX) errors.meta_title = `Use at most ${META_TITLE_MAX} characters.`;
  if (charCount(f.meta_description) > META_DESCRIPTION_MAX) errors.meta_description = `Use at most ${META_DESCRIPTION_MAX} characters.`;
  return errors;
}

/** Where the article's images stand: none described yet, some waiting to be made, or all made. */
export function imageProgress(group: ContentImages | undefined) {
  const all = group ? [...(group.featured ? [group.featured] : []), ...group.in_article] : [];
  const toMake = all.filter((i) => i.status !== 'generated');
  return {
    all,
    toMake,
    generated: all.length - toMake.length,
    failed: all.filter((i) => i.status === 'failed').length,
    complete: all.length > 0 && toMake.length === 0,
  };
}

/**
 * The article's next step with its images, at the top of the editor (in sight without scrolling): describe them,
 * then make them. A draft moves to review by itself once they are all made, which this says.
 */
function ImagesNextStep({ content, canEdit }: { content: Content; canEdit: boolean }) {
  const images = useContentImages([content.id]);
  const prompts = useGenerateImagePrompts();
  const make = useGenerateImages();
  if (!canEdit || images.isLoading || images.isError) return null;
  const { all, toMake } = imageProgress(images.data?.[0]);
  const draft = content.status === 'draft';
  const afterwards = draft ? ' Once they are made, the draft moves to Review by itself.' : '';
  if (all.length > 0 && toMake.length === 0) return null;
  return (
    <>
      {all.length === 0 ? (
        <NextAction
          testId="editor-next-images"
          action={
            <Button size="sm" variant="primary" loading={prompts.pending} disabled={make.pending} onClick={() => prompts.start([content.id])}>
              <ImageIcon size={15} /> Generate image prompts
            </Button>
          }
        >
          <strong>Next: images.</strong> Describe a featured image and the in-article ones (placed after their
          sections).{afterwards}
        </NextAction>
      ) : (
        <NextAction
          testId="editor-next-images"
          action={
            <Button size="sm" variant="primary" loading={make.pending} disabled={prompts.pending} onClick={() => make.start(toMake.map((i) => i.id))}>
              <ImageIcon size={15} /> Generate {toMake.length === 1 ? 'the image' : `${toMake.length} images`}
            </Button>
          }
        >
          <strong>{toMake.length === 1 ? '1 image' : `${toMake.length} images`}</strong> described and waiting to be made.
          {afterwards}
        </NextAction>
      )}
      <TaskStartError error={prompts.error ?? make.error} className="mb-4" />
      {prompts.modal}
      {make.modal}
    </>
  );
}

function ImagesCard({ content }: { content: Content }) {
  const images = useContentImages([content.id]);
  const group = images.data?.[0];
  const { all, generated, failed } = imageProgress(group);
  const featured = group?.featured?.status === 'generated' ? group.featured : null;
  return (
    <section
      aria-labelledby="article-images"
      className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex items-center justify-between gap-2 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
        <h2 id="article-images" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
          Images
        </h2>
        <Link to="/writer/images" className="text-[13px] font-medium text-accent-700 hover:underline dark:text-accent-300">
          Open Images
        </Link>
      </header>
      <div className="space-y-3 px-4 py-3 text-[13px] text-zinc-600 dark:text-zinc-300">
        {images.isLoading ? (
          <p className="text-zinc-500">Loading…</p>
        ) : images.isError ? (
          <ErrorAlert error={images.error} />
        ) : all.length === 0 ? (
          <p>No images yet.</p>
        ) : (
          <>
            {featured?.file_url && (
              <img src={featured.file_url} alt={featured.prompt} className="aspect-[3/2] w-full rounded-md object-cover" />
            )}
            <p>
              {generated} of {all.length} made{failed > 0 ? `, ${failed} failed` : ''}. The featured image goes with the
              article; the in-article ones are in its text, after their sections.
            </p>
          </>
        )}
      </div>
    </section>
  );
}

function Editor({ content }: { content: Content }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const [base, setBase] = useState(content);
  const [form, setForm] = useState<EditorForm>(() => formOf(content));
  const [view, setView] = useState<'preview' | 'html'>('preview');
  const [shownErrors, setShownErrors] = useState<Partial<Record<keyof EditorForm, string>>>({});
  const [reviewing, setReviewing] = useState<'approve' | 'reject' | null>(null);
  const validation = useValidation(content.id);
  const taxonomies = useContentTaxonomies(content.id);
  const submitReview = useSubmitForReview();
  const images = useContentImages([content.id]);
  // Until its images are made a draft waits for them (it moves to review by itself); sending it now skips them.
  const imagesDone = images.isError || imageProgress(images.data?.[0]).complete;

  const patch = patchOf(base, form);
  const dirty = Object.keys(patch).length > 0;

  // A newer version from the server (another save, images moving it to review) replaces the form unless the
  // user has unsaved changes.
  useEffect(() => {
    if (content.updated_at === base.updated_at && content.status === base.status) return;
    if (!dirty) setForm(formOf(content));
    setBase(content);
  }, [content]);

  const save = useMutation({
    mutationFn: (body: ContentPatch) => api.patch('/api/v1/writer/content/{id}', { path: { id: content.id }, body }),
    onSuccess: (saved) => {
      queryClient.setQueryData(writerKeys.contentOne(saved.id), saved);
      setBase(saved);
      setForm(formOf(saved));
      setShownErrors({});
      // The checklist and the terms follow the saved text (both live under ['writer']), as do the lists.
      refreshWriterAndPlanner(queryClient);
    },
  });

  const saveNow = async (): Promise<boolean> => {
    const errors = localErrors(form);
    setShownErrors(errors);
    if (Object.keys(errors).length > 0) return false;
    if (!dirty) return true;
    try {
      await save.mutateAsync(patch);
      toast.success('Saved.');
      return true;
    } catch {
      return false;
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void saveNow();
  };

  const sendToReview = async () => {
    if (await saveNow()) submitReview.mutate(content.id);
  };

  // Ctrl/Cmd+S saves; leaving the tab with unsaved changes asks first.
  const saveRef = useRef(saveNow);
  saveRef.current = saveNow;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && canEdit) {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [canEdit]);
  useEffect(() => {
    if (!dirty) return;
    const onLeave = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onLeave);
    return () => window.removeEventListener('beforeunload', onLeave);
  }, [dirty]);

  const set = (key: keyof EditorForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [key]: e.target.value }));
  const err = (key: keyof EditorForm) => shownErrors[key] ?? fieldError(save.error, key);
  const list = LIST_OF_STATUS[content.status] ?? LIST_OF_STATUS.draft!;
  const liveWords = form.content_html !== base.content_html ? countWords(form.content_html) : null;
  const serverFieldErrors = isApiError(save.error) ? Object.keys(save.error.fieldErrors) : [];

  return (
    <>
      <div className="mb-4">
        <Link
          to={list.to}
          className="inline-flex items-center gap-1.5 text-[13px] font-medium text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200"
        >
          <ArrowLeftIcon size={14} /> {list.label}
        </Link>
      </div>
      <div className="mb-5">
        <p className="mb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Writer · Editor</p>
        <h1 className="text-xl font-semibold tracking-tight break-words text-zinc-900 sm:text-2xl dark:text-zinc-50">{base.title}</h1>
        <div className="mt-3 flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-1.5 text-[13px] text-zinc-500 dark:text-zinc-400">
            <ContentStatusBadge status={base.status} />
            <OfflineBadge item={base} />
            {dirty && <Badge tone="warning">Unsaved changes</Badge>}
            <span data-testid="word-count">
              {formatNumber(base.word_count)} words
              {liveWords !== null && liveWords !== base.word_count ? ` (about ${formatNumber(liveWords)} after saving)` : ''}
            </span>
          </div>
          {canEdit && (
            <div className="flex flex-wrap items-center gap-2">
              {dirty && (
                <Button variant="ghost" onClick={() => setForm(formOf(base))} disabled={save.isPending}>
                  Discard
                </Button>
              )}
              <Button onClick={() => void saveNow()} loading={save.isPending && !submitReview.isPending} disabled={!dirty}>
                Save
              </Button>
              {base.status === 'draft' && (
                <Button
                  variant={imagesDone ? 'primary' : 'secondary'}
                  onClick={() => void sendToReview()}
                  loading={submitReview.isPending}
                  title={imagesDone ? undefined : 'The draft moves to Review by itself once its images are made; this sends it now, without them.'}
                >
                  <SendIcon size={15} />{' '}
                  {imagesDone
                    ? dirty
                      ? 'Save and submit for review'
                      : 'Submit for review'
                    : dirty
                      ? 'Save and submit now, without images'
                      : 'Submit now, without images'}
                </Button>
              )}
              {base.status === 'review' && (
                <>
                  <Button onClick={() => setReviewing('reject')} disabled={dirty} title={dirty ? 'Save or discard your changes first' : undefined}>
                    <XIcon size={15} /> Reject
                  </Button>
                  <Button variant="primary" onClick={() => setReviewing('approve')} disabled={dirty} title={dirty ? 'Save or discard your changes first' : undefined}>
                    <CheckCircleIcon size={15} /> Approve
                  </Button>
                </>
              )}
            </div>
          )}
        </div>
      </div>

      <ImagesNextStep content={base} canEdit={canEdit} />
      {base.offline_draft && base.status !== 'draft' && (
        <Alert tone="warning" title="Still an offline draft" className="mb-4">
          The built-in offline provider wrote this text. Rewrite it and take out its “Offline draft” note before
          publishing; publishing it as it is needs an explicit confirmation.
        </Alert>
      )}
      {base.status === 'draft' && base.review_note && (
        <Alert tone="warning" title="Sent back from review" className="mb-4">
          <p className="whitespace-pre-line">{base.review_note}</p>
        </Alert>
      )}
      {submitReview.error ? (
        <Alert tone="error" className="mb-4">
          {submitReview.error.message}
        </Alert>
      ) : null}
      <ErrorAlert error={save.error} hideFields={serverFieldErrors.filter((f) => f in form)} className="mb-4" />

      <div className="grid items-start gap-5 lg:grid-cols-[minmax(0,1fr)_18rem] xl:grid-cols-[minmax(0,1fr)_20rem]">
        {/* Enter in these fields saves. */}
        <form onSubmit={onSubmit} noValidate className="min-w-0 lg:col-start-1 lg:row-start-1">
          <Card title="Title and SEO" bodyClassName="space-y-4 p-4 sm:p-5">
            <Field label="Title" error={err('title')}>
              <Input value={form.title} onChange={set('title')} readOnly={!canEdit} />
            </Field>
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="Main keyword" error={err('primary_keyword')}>
                <Input value={form.primary_keyword} onChange={set('primary_keyword')} readOnly={!canEdit} />
              </Field>
              <Field label="Other keywords" optional hint="Separated by commas." error={err('secondary_keywords')}>
                <Input value={form.secondary_keywords} onChange={set('secondary_keywords')} readOnly={!canEdit} />
              </Field>
            </div>
            <CountedField
              label="Meta title"
              value={form.meta_title}
              max={META_TITLE_MAX}
              min={1}
              error={err('meta_title')}
              hint="Shown as the link in search results."
              testId="meta-title-count"
            >
              <Input value={form.meta_title} onChange={set('meta_title')} readOnly={!canEdit} />
            </CountedField>
            <CountedField
              label="Meta description"
              value={form.meta_description}
              max={META_DESCRIPTION_MAX}
              min={META_DESCRIPTION_MIN}
              error={err('meta_description')}
              hint={`Shown under the link; ${META_DESCRIPTION_MIN}–${META_DESCRIPTION_MAX} characters work best.`}
              testId="meta-description-count"
            >
              <Textarea rows={3} value={form.meta_description} onChange={set('meta_description')} readOnly={!canEdit} />
            </CountedField>
          </Card>
          {/* A hidden submit button lets Enter save from any field. */}
          <button type="submit" hidden />
        </form>

        <aside
          className="min-w-0 space-y-4 lg:sticky lg:top-20 lg:col-start-2 lg:row-span-2 lg:row-start-1 lg:max-h-[calc(100vh-6rem)] lg:overflow-y-auto"
          aria-label="Checks and details"
        >
          <ValidationPanel
            validation={validation.data}
            loading={validation.isLoading}
            error={validation.error}
            stale={dirty}
            refreshing={validation.isFetching && !validation.isLoading}
          />
          <TaxonomyList taxonomies={taxonomies.data} loading={taxonomies.isLoading} error={taxonomies.error} />
          <ImagesCard content={base} />
        </aside>

        <div className="min-w-0 space-y-5 lg:col-start-1 lg:row-start-2">
          <section
            aria-labelledby="article-body"
            className="rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900"
          >
            <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2.5 sm:px-5 dark:border-zinc-800">
              <h2 id="article-body" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
                Article
              </h2>
              <div role="tablist" aria-label="Article view" className="inline-flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800">
                {(['preview', 'html'] as const).map((v) => (
                  <button
                    key={v}
                    type="button"
                    role="tab"
                    id={`tab-${v}`}
                    aria-selected={view === v}
                    aria-controls={`panel-${v}`}
                    onClick={() => setView(v)}
                    className={cx(
                      'rounded-md px-3 py-1 text-[13px] font-medium',
                      view === v
                        ? 'bg-white text-zinc-900 shadow-sm dark:bg-zinc-900 dark:text-zinc-50'
                        : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
                    )}
                  >
                    {v === 'preview' ? 'Preview' : 'HTML'}
                  </button>
                ))}
              </div>
            </header>
            {view === 'preview' ? (
              <div id="panel-preview" role="tabpanel" aria-labelledby="tab-preview" className="px-4 py-4 sm:px-6 sm:py-5">
                <ArticlePreview title={form.title} html={form.content_html} />
              </div>
            ) : (
              <div id="panel-html" role="tabpanel" aria-labelledby="tab-html" className="space-y-2 p-4 sm:p-5">
                <Field
                  label="Article HTML"
                  hint="Headings from H2 down, paragraphs, lists, links, quotes and tables. Anything else is removed when you save."
                  error={err('content_html')}
                >
                  <Textarea
                    rows={22}
                    value={form.content_html}
                    onChange={set('content_html')}
                    readOnly={!canEdit}
                    spellCheck
                    className="font-mono text-[13px] leading-relaxed"
                  />
                </Field>
              </div>
            )}
          </section>
        </div>
      </div>
      <ReviewDialog content={reviewing ? base : null} decision={reviewing ?? 'approve'} onClose={() => setReviewing(null)} />
    </>
  );
}

export default function ContentEditorPage() {
  const { contentId } = useParams();
  const id = Number(contentId);
  const content = useContent(Number.isFinite(id) ? id : null);
  if (content.isLoading) return <LoadingBlock />;
  // A failed refresh keeps the article on screen (and any unsaved edits): only a first load that failed says so.
  if (!content.data) {
    const missing = isApiError(content.error) && content.error.status === 404;
    return (
      <Card>
        <EmptyState
          title={missing ? 'Article not found' : 'The article could not be loaded'}
          action={<ButtonLink to="/writer/drafts">Back to drafts</ButtonLink>}
        >
          {missing ? 'It may have been deleted.' : <ErrorAlert error={content.error} />}
        </EmptyState>
      </Card>
    );
  }
  return <Editor key={content.data.id} content={content.data} />;
}
