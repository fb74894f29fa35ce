// Pieces the writer pages share: status badges, the background actions (write articles, describe and make images)
// followed in the progress modal, and the review actions (approve, reject with a reason).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import type { Content, Task } from '../../api/types';
import {
  MAX_ARTICLES_PER_RUN,
  MAX_IMAGES_PER_RUN,
  MAX_IMAGE_PROMPT_ARTICLES,
  articlesSummary,
  imagePromptsSummary,
  imagesSummary,
  refreshWriterAndPlanner,
  writerKeys,
} from '../../api/writer';
import { Modal } from '../../components/overlays';
import { ProgressModal, type ResultLink } from '../../components/ProgressModal';
import { Alert, Badge, Button, ErrorAlert, Field, Textarea } from '../../components/ui';
import { toast } from '../../stores/toast';

const CONTENT_STATUS: Record<string, { label: string; tone: 'neutral' | 'accent' | 'success' | 'warning' }> = {
  draft: { label: 'Draft', tone: 'neutral' },
  review: { label: 'In review', tone: 'warning' },
  approved: { label: 'Approved', tone: 'success' },
};

export function ContentStatusBadge({ status }: { status: string }) {
  const s = CONTENT_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

const SITE_STATUS: Record<string, { label: string; tone: 'neutral' | 'accent' | 'success' | 'warning' | 'danger' }> = {
  not_published: { label: 'Not published', tone: 'neutral' },
  scheduled: { label: 'Scheduled', tone: 'accent' },
  publishing: { label: 'Publishing', tone: 'accent' },
  published: { label: 'Published', tone: 'success' },
  failed: { label: 'Publish failed', tone: 'danger' },
};

export function SiteStatusBadge({ status }: { status: string }) {
  const s = SITE_STATUS[status] ?? { label: status, tone: 'neutral' as const };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function TaskStatusBadge({ status }: { status: string }) {
  return status === 'completed' ? <Badge tone="success">Written</Badge> : <Badge tone="accent">Queued</Badge>;
}

/** Where each editorial state is listed. */
export const LIST_OF_STATUS: Record<string, { to: string; label: string }> = {
  draft: { to: '/writer/drafts', label: 'Drafts' },
  review: { to: '/writer/review', label: 'Review' },
  approved: { to: '/writer/approved', label: 'Approved' },
};

/**
 * Starts a background task and follows it in the progress modal; the end refreshes the writer and planner
 * caches. `start(arg, done)` calls `done` once the task is accepted (e.g. to clear a selection).
 */
export function useTaskAction<A>({
  run,
  title,
  summary,
  resultLink,
}: {
  run: (arg: A) => Promise<Task>;
  title: ReactNode;
  summary?: (task: Task) => ReactNode;
  resultLink?: ResultLink;
}) {
  const queryClient = useQueryClient();
  const [running, setRunning] = useState<Task | null>(null);
  const mutation = useMutation({
    mutationFn: ({ arg }: { arg: A; done?: () => void }) => run(arg),
    onSuccess: (task, { done }) => {
      done?.();
      setRunning(task);
      refreshWriterAndPlanner(queryClient);
    },
  });
  const modal = (
    <ProgressModal
      taskId={running?.id ?? null}
      initialTask={running}
      title={title}
      onClose={() => setRunning(null)}
      onFinished={() => refreshWriterAndPlanner(queryClient)}
      resultLink={resultLink}
      summary={summary}
    />
  );
  return {
    start: (arg: A, done?: () => void) => mutation.mutate({ arg, done }),
    pending: mutation.isPending,
    error: mutation.error,
    reset: mutation.reset,
    modal,
  };
}

/** Refuses more than `max` items up front, with the reason in a toast. */
function withinLimit(n: number, max: number, what: string): boolean {
  if (n === 0) return false;
  if (n > max) {
    toast.error(`${what} up to ${max} at a time; ${n} are selected.`);
    return false;
  }
  return true;
}

/** "Generate content": writes the articles of up to ten writer tasks. */
export function useGenerateContent() {
  const action = useTaskAction<number[]>({
    run: (ids) => api.post('/api/v1/writer/tasks/auto_generate_content', { body: { ids } }),
    title: 'Writing articles',
    summary: articlesSummary,
    resultLink: { to: '/writer/drafts', label: 'View drafts' },
  });
  return {
    ...action,
    start: (ids: number[], done?: () => void) => {
      if (withinLimit(ids.length, MAX_ARTICLES_PER_RUN, 'Articles are written')) action.start(ids, done);
    },
  };
}

/** "Generate image prompts": one featured and N in-article image descriptions per article. */
export function useGenerateImagePrompts() {
  const action = useTaskAction<number[]>({
    run: (ids) => api.post('/api/v1/writer/content/generate_image_prompts', { body: { ids } }),
    title: 'Describing images',
    summary: imagePromptsSummary,
  });
  return {
    ...action,
    start: (ids: number[], done?: () => void) => {
      if (withinLimit(ids.length, MAX_IMAGE_PROMPT_ARTICLES, 'Image prompts are written for articles')) action.start(ids, done);
    },
  };
}

/** "Generate images": makes pending or failed images. */
export function useGenerateImages() {
  const action = useTaskAction<number[]>({
    run: (ids) => api.post('/api/v1/writer/images/generate_images', { body: { ids } }),
    title: 'Making images',
    summary: imagesSummary,
  });
  return {
    ...action,
    start: (ids: number[], done?: () => void) => {
      if (withinLimit(ids.length, MAX_IMAGES_PER_RUN, 'Images are made')) action.start(ids, done);
    },
  };
}

/** A new version of one image. */
export function useRegenerateImage() {
  return useTaskAction<number>({
    run: (id) => api.post('/api/v1/writer/images/{id}/regenerate', { path: { id } }),
    title: 'Making the image again',
    summary: imagesSummary,
  });
}

/** A 409 names the article's current state: say it and refresh the lists. */
function conflictMessage(error: unknown): string | null {
  return isApiError(error) && error.status === 409 ? error.message : null;
}

/** The article after a transition goes everywhere it is shown. */
function useApplyContent() {
  const queryClient = useQueryClient();
  return (updated: Content) => {
    queryClient.setQueryData(writerKeys.contentOne(updated.id), updated);
    refreshWriterAndPlanner(queryClient);
  };
}

export function useSubmitForReview() {
  const apply = useApplyContent();
  return useMutation({
    mutationFn: (id: number) => api.post('/api/v1/writer/content/{id}/submit_review', { path: { id } }),
    onSuccess: (updated) => {
      apply(updated);
      toast.success(`Sent “${updated.title}” to review.`, { label: 'Open Review', to: '/writer/review' });
    },
  });
}

/** Approve (optional note) or reject (reason required) one article in review. */
export function ReviewDialog({
  content,
  decision,
  onClose,
  onDone,
}: {
  content: (Pick<Content, 'id' | 'title'> & Partial<Pick<Content, 'offline_draft'>>) | null;
  decision: 'approve' | 'reject';
  onClose: () => void;
  onDone?: (updated: Content) => void;
}) {
  const apply = useApplyContent();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const reject = decision === 'reject';

  const mutation = useMutation({
    mutationFn: (body: { reason?: string }) =>
      reject
        ? api.post('/api/v1/writer/content/{id}/reject', { path: { id: content!.id }, body })
        : api.post('/api/v1/writer/content/{id}/approve', { path: { id: content!.id }, body }),
    onSuccess: (updated) => {
      apply(updated);
      toast.success(
        reject ? `Sent “${updated.title}” back to drafts.` : `Approved “${updated.title}”.`,
        reject ? { label: 'Open Drafts', to: '/writer/drafts' } : { label: 'Open Approved', to: '/writer/approved' },
      );
      // The server's warnings (approving an offline draft that still needs rewriting) are said too.
      for (const warning of updated.warnings ?? []) toast.info(warning);
      onDone?.(updated);
      onClose();
    },
    onError: (error) => {
      const conflict = conflictMessage(error);
      if (conflict) refreshWriterAndPlanner(queryClient);
    },
  });

  useEffect(() => {
    if (!content) return;
    setReason('');
    setMissing(false);
    mutation.reset();
  }, [content?.id, decision]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = reason.trim();
    if (reject && !text) {
      setMissing(true);
      return;
    }
    mutation.mutate(text ? { reason: text } : {});
  };

  const serverReason = isApiError(mutation.error) ? mutation.error.field('reason') : undefined;
  const formId = `review-form-${decision}`;
  return (
    <Modal
      open={content !== null}
      onClose={onClose}
      dismissible={!mutation.isPending}
      size="sm"
      title={reject ? 'Send back to drafts?' : 'Approve this article?'}
      footer={
        <>
          <Button onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button variant={reject ? 'danger' : 'primary'} type="submit" form={formId} loading={mutation.isPending}>
            {reject ? 'Reject' : 'Approve'}
          </Button>
        </>
      }
    >
      <form id={formId} onSubmit={submit} className="space-y-4" noValidate>
        <p className="text-sm text-zinc-600 dark:text-zinc-300">
          “{content?.title}”{' '}
          {reject
            ? 'goes back to the drafts with your reason, for the writer to change.'
            : content?.offline_draft
              ? 'is approved for publishing once it is rewritten.'
              : 'is ready to be published.'}
        </p>
        {!reject && content?.offline_draft && (
          <Alert tone="warning" title="This is still an offline draft">
            The built-in offline provider wrote it from the outline, and its “Offline draft … rewrite before publishing”
            note is still in the text. You can approve it; publishing it as it is will ask for a confirmation.
          </Alert>
        )}
        <Field
          label={reject ? 'What should change?' : 'Note'}
          optional={!reject}
          error={missing ? 'Say what should change: the reason is required to reject.' : serverReason}
          hint={reject ? 'Shown on the draft.' : undefined}
        >
          <Textarea
            rows={3}
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              if (e.target.value.trim()) setMissing(false);
            }}
            data-autofocus
          />
        </Field>
        <ErrorAlert error={serverReason ? null : mutation.error} />
      </form>
    </Modal>
  );
}
