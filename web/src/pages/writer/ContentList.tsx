// Writer → Drafts, Review and Approved: the articles of the scope in one editorial state. Drafts open in the
// editor and go to review (or get image prompts); articles in review are approved or sent back with a reason;
// approved ones wait for the publisher.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { useClusterChoices, type Scope } from '../../api/planner';
import type { Content } from '../../api/types';
import { listContent, refreshWriterAndPlanner, useContentCount, writerKeys } from '../../api/writer';
import { DataTable, type Column } from '../../components/DataTable';
import { CheckCircleIcon, ImageIcon, PenIcon, SendIcon, TrashIcon, XIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { Alert, Button, ButtonLink, EmptyState, PageHeader, Select, formatDate, formatNumber } from '../../components/ui';
import { toast } from '../../stores/toast';
import { NextAction, OfflineBadge, ScopeGate, TaskStartError, plural, useCanEdit, usePlannerScope, type PlannerScope } from '../planner/shared';
import { ReviewDialog, SiteStatusBadge, useGenerateImagePrompts, useSubmitForReview } from './shared';

type ListStatus = 'draft' | 'review' | 'approved';

const PAGES: Record<ListStatus, { title: string; description: (label: string) => string; empty: string; emptyText: string }> = {
  draft: {
    title: 'Drafts',
    description: (label) => `Articles of ${label} being written and edited. Open one to edit it and check its SEO.`,
    empty: 'No drafts yet',
    emptyText: 'Generate content for writer tasks: each article starts here as a draft.',
  },
  review: {
    title: 'Review',
    description: (label) => `Articles of ${label} waiting for a decision: approve them, or send them back with what to change.`,
    empty: 'Nothing to review',
    emptyText: 'Drafts arrive here when they are submitted for review, or when all their images are made.',
  },
  approved: {
    title: 'Approved',
    description: (label) => `Articles of ${label} approved for publishing.`,
    empty: 'No approved articles yet',
    emptyText: 'Approve articles on the Review page; they are listed here, ready for the publisher.',
  },
};

function ContentListBody({ ps, status }: { ps: PlannerScope; status: ListStatus }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const scope = ps.scope as Scope;
  const info = PAGES[status];
  const [clusterId, setClusterId] = useState('');
  const [reviewing, setReviewing] = useState<{ content: Content; decision: 'approve' | 'reject' } | null>(null);
  const [deleting, setDeleting] = useState<Content | null>(null);
  const clusters = useClusterChoices(scope);
  const clusterNames = useMemo(() => new Map((clusters.data?.results ?? []).map((c) => [c.id, c.name])), [clusters.data]);
  const submit = useSubmitForReview();
  const prompts = useGenerateImagePrompts();
  const inReview = useContentCount(status === 'draft' ? { ...scope, status: 'review' } : null);

  const remove = useMutation({
    mutationFn: (id: number) => api.delete('/api/v1/writer/content/{id}', { path: { id } }),
    onSuccess: () => {
      refreshWriterAndPlanner(queryClient);
      toast.success(`Deleted “${deleting?.title}”.`);
      setDeleting(null);
    },
  });

  const columns: Column<Content>[] = [
    {
      key: 'title',
      header: 'Article',
      sortKey: 'title',
      hideable: false,
      className: 'min-w-64',
      cell: (c) => (
        <div className="min-w-0">
          <Link
            to={`/writer/content/${c.id}`}
            className="font-medium text-zinc-900 hover:text-accent-700 hover:underline dark:text-zinc-100 dark:hover:text-accent-300"
          >
            {c.title}
          </Link>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-[12px] text-zinc-500 dark:text-zinc-400">
            <OfflineBadge item={c} />
            {c.primary_keyword && <span>{c.primary_keyword}</span>}
          </div>
          {status === 'draft' && c.review_note && (
            <p className="mt-1 line-clamp-1 text-[12px] text-amber-700 dark:text-amber-300" title={c.review_note}>
              Sent back: {c.review_note}
            </p>
          )}
        </div>
      ),
    },
    {
      key: 'cluster',
      header: 'Cluster',
      hideBelow: 'md',
      cell: (c) =>
        c.cluster_id != null ? (
          <Link
            to={`/planner/clusters/${c.cluster_id}`}
            className="block max-w-44 text-zinc-700 hover:text-accent-700 hover:underline dark:text-zinc-300 dark:hover:text-accent-300"
          >
            {clusterNames.get(c.cluster_id) ?? `Cluster ${c.cluster_id}`}
          </Link>
        ) : (
          <span className="text-zinc-400">—</span>
        ),
    },
    ...(ps.sector ? [] : [{ key: 'sector', header: 'Sector', hideBelow: 'lg' as const, defaultHidden: true, cell: (c: Content) => ps.sectorName(c.sector_id) }]),
    { key: 'words', header: 'Words', sortKey: 'word_count', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (c) => formatNumber(c.word_count) },
    ...(status === 'approved'
      ? [{ key: 'site', header: 'On the site', hideBelow: 'sm' as const, cell: (c: Content) => <SiteStatusBadge status={c.site_status} /> }]
      : []),
    {
      key: 'updated',
      header: status === 'approved' ? 'Approved' : 'Updated',
      sortKey: 'updated_at',
      hideBelow: 'md',
      cell: (c) => formatDate(c.updated_at),
    },
  ];

  const rowActions = (c: Content) => {
    if (status === 'review') {
      return canEdit ? (
        <>
          <Button size="sm" variant="secondary" aria-label={`Approve ${c.title}`} onClick={() => setReviewing({ content: c, decision: 'approve' })}>
            <CheckCircleIcon size={15} className="text-emerald-600 dark:text-emerald-400" /> <span className="hidden sm:inline">Approve</span>
          </Button>
          <Button size="sm" variant="ghost" aria-label={`Reject ${c.title}`} onClick={() => setReviewing({ content: c, decision: 'reject' })}>
            <XIcon size={15} className="text-zinc-500" /> <span className="hidden sm:inline">Reject</span>
          </Button>
        </>
      ) : null;
    }
    return (
      <>
        <Link
          to={`/writer/content/${c.id}`}
          aria-label={`${canEdit ? 'Edit' : 'Open'} ${c.title}`}
          title={canEdit ? 'Edit' : 'Open'}
          className="inline-flex h-8 items-center rounded-md px-2.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        >
          <PenIcon size={15} />
        </Link>
        {status === 'draft' && canEdit && (
          <>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Submit ${c.title} for review`}
              title="Submit for review now (a draft moves there by itself once its images are made)"
              disabled={submit.isPending}
              onClick={() => submit.mutate(c.id)}
            >
              <SendIcon size={15} className="text-zinc-500" />
            </Button>
            <Button size="sm" variant="ghost" aria-label={`Delete ${c.title}`} title="Delete" onClick={() => setDeleting(c)}>
              <TrashIcon size={15} className="text-zinc-500" />
            </Button>
          </>
        )}
      </>
    );
  };

  const waitingReview = inReview.data ?? 0;

  return (
    <>
      <PageHeader eyebrow="Writer" title={info.title} description={info.description(ps.label)} />
      {status === 'draft' && waitingReview > 0 && (
        <NextAction action={<ButtonLink size="sm" to="/writer/review">Open Review</ButtonLink>}>
          {plural(waitingReview, 'article')} waiting for review.
        </NextAction>
      )}
      {submit.error ? (
        <Alert tone="error" className="mb-4">
          {submit.error.message}
        </Alert>
      ) : null}
      <TaskStartError error={prompts.error} className="mb-4" />
      <DataTable<Content>
        label={info.title}
        queryKey={[...writerKeys.content, status]}
        fetchPage={(q) => listContent(q)}
        columns={columns}
        rowKey={(c) => c.id}
        initialOrdering="-updated_at"
        searchPlaceholder="Search titles"
        params={{ ...scope, status }}
        filters={{ cluster_id: clusterId ? Number(clusterId) : undefined }}
        onClearFilters={() => setClusterId('')}
        columnChooserKey={`writer-${status}`}
        toolbar={
          <Select aria-label="Cluster" value={clusterId} onChange={(e) => setClusterId(e.target.value)} className="h-8 w-auto max-w-44 py-0 text-[13px]">
            <option value="">Any cluster</option>
            {(clusters.data?.results ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Select>
        }
        selectable={status === 'draft' && canEdit}
        bulkActions={(rows, clear) => (
          <Button size="sm" variant="primary" loading={prompts.pending} onClick={() => prompts.start(rows.map((r) => r.id), clear)}>
            <ImageIcon size={14} /> Generate image prompts
          </Button>
        )}
        rowActions={rowActions}
        empty={
          <EmptyState
            icon={status === 'approved' ? <CheckCircleIcon size={22} /> : <PenIcon size={22} />}
            title={info.empty}
            action={
              status === 'draft' ? (
                <ButtonLink to="/writer/tasks" variant="primary">Go to tasks</ButtonLink>
              ) : status === 'review' ? (
                <ButtonLink to="/writer/drafts">Go to drafts</ButtonLink>
              ) : (
                <ButtonLink to="/writer/review">Go to review</ButtonLink>
              )
            }
          >
            {info.emptyText}
          </EmptyState>
        }
      />
      <ReviewDialog content={reviewing?.content ?? null} decision={reviewing?.decision ?? 'approve'} onClose={() => setReviewing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        title="Delete this article?"
        confirmLabel="Delete article"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>“{deleting?.title}” and its images are removed. This cannot be undone.</p>
      </ConfirmDialog>
      {prompts.modal}
    </>
  );
}

function ContentListPage({ status }: { status: ListStatus }) {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Writer" title={PAGES[status].title} />}
      <ScopeGate scope={ps}>
        <ContentListBody key={status} ps={ps} status={status} />
      </ScopeGate>
    </>
  );
}

export function DraftsPage() {
  return <ContentListPage status="draft" />;
}

export function ReviewPage() {
  return <ContentListPage status="review" />;
}

export function ApprovedPage() {
  return <ContentListPage status="approved" />;
}
