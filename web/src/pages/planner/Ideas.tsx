// Planner → Ideas: article ideas with their outlines. The table filters by status, cluster and content type;
// a row opens the outline view (H2/H3 tree, keywords, target words); edit and delete per row; "Queue to writer"
// for the selected ideas, per row, or for every new idea of the scope from the next-step hint.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api';
import { plannerKeys, refreshPlanner, useClusterChoices, useIdeaCount, useIdeaFilterOptions, type Scope } from '../../api/planner';
import type { Idea } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { BulbIcon, ListIcon, PenIcon, SendIcon, TrashIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { ButtonLink, EmptyState, PageHeader, Select, formatDate, formatNumber, Button } from '../../components/ui';
import { toast } from '../../stores/toast';
import { IdeaDetailModal, IdeaEditModal, useQueueToWriter } from './ideaModals';
import {
  NextAction,
  OfflineBadge,
  ScopeGate,
  StatusBadge,
  plural,
  statusLabel,
  useCanEdit,
  usePlannerScope,
  type PlannerScope,
} from './shared';

function IdeasBody({ ps }: { ps: PlannerScope }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const scope = ps.scope as Scope;
  const [params, setParams] = useSearchParams();
  const clusterFilter = params.get('cluster') ?? '';
  const [status, setStatus] = useState('');
  const [contentType, setContentType] = useState('');
  const [viewing, setViewing] = useState<Idea | null>(null);
  const [editing, setEditing] = useState<Idea | null>(null);
  const [deleting, setDeleting] = useState<Idea | null>(null);

  const clusters = useClusterChoices(scope);
  const options = useIdeaFilterOptions();
  const clusterNames = useMemo(() => new Map((clusters.data?.results ?? []).map((c) => [c.id, c.name])), [clusters.data]);
  const ready = useIdeaCount({ ...scope, status: 'new' });
  const writer = useQueueToWriter();
  const [collecting, setCollecting] = useState(false);

  /** Every new idea of the scope (the API queues up to 1,000 per request). */
  const queueAllNew = async () => {
    setCollecting(true);
    try {
      const ids: number[] = [];
      for (let page = 1; ids.length < 1000; page++) {
        const batch = await api.get('/api/v1/planner/ideas', { query: { ...scope, status: 'new', page, page_size: 200, ordering: 'created_at' } });
        ids.push(...batch.results.map((i) => i.id));
        if (!batch.next) break;
      }
      writer.queue(ids.slice(0, 1000));
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'The ideas could not be read.');
    } finally {
      setCollecting(false);
    }
  };

  const setClusterFilter = (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set('cluster', value);
    else next.delete('cluster');
    setParams(next, { replace: true });
  };

  const remove = useMutation({
    mutationFn: (id: number) => api.delete('/api/v1/planner/ideas/{id}', { path: { id } }),
    onSuccess: () => {
      refreshPlanner(queryClient);
      toast.success(`Deleted “${deleting?.title}”.`);
      setDeleting(null);
    },
  });

  const columns: Column<Idea>[] = [
    {
      key: 'title',
      header: 'Idea',
      sortKey: 'title',
      hideable: false,
      className: 'min-w-64',
      cell: (i) => (
        <div className="min-w-0">
          <button
            type="button"
            onClick={() => setViewing(i)}
            className="text-left font-medium text-zinc-900 hover:text-accent-700 hover:underline dark:text-zinc-100 dark:hover:text-accent-300"
          >
            {i.title}
          </button>
          <div className="mt-1 flex flex-wrap items-center gap-1.5 text-[12px] text-zinc-500 dark:text-zinc-400">
            <OfflineBadge item={i} />
            <span>{i.outline.length} sections</span>
          </div>
        </div>
      ),
    },
    {
      key: 'cluster',
      header: 'Cluster',
      hideBelow: 'md',
      cell: (i) =>
        i.cluster_id != null ? (
          <Link
            to={`/planner/clusters/${i.cluster_id}`}
            className="block max-w-44 text-zinc-700 hover:text-accent-700 hover:underline dark:text-zinc-300 dark:hover:text-accent-300"
          >
            {clusterNames.get(i.cluster_id) ?? `Cluster ${i.cluster_id}`}
          </Link>
        ) : (
          <span className="text-zinc-400">—</span>
        ),
    },
    ...(ps.sector ? [] : [{ key: 'sector', header: 'Sector', hideBelow: 'lg' as const, defaultHidden: true, cell: (i: Idea) => ps.sectorName(i.sector_id) }]),
    {
      key: 'type',
      header: 'Type',
      hideBelow: 'lg',
      cell: (i) => <span className="whitespace-nowrap capitalize">{[i.content_type, i.content_structure.replace(/_/g, ' ')].filter(Boolean).join(' · ')}</span>,
    },
    { key: 'words', header: 'Words', sortKey: 'target_word_count', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (i) => formatNumber(i.target_word_count) },
    {
      key: 'keywords',
      header: 'Keywords',
      hideBelow: 'lg',
      defaultHidden: true,
      className: 'text-right tabular-nums',
      cell: (i) => formatNumber(i.primary_keywords.length + i.covered_keywords.length),
    },
    { key: 'status', header: 'Status', cell: (i) => <StatusBadge status={i.status} kind="idea" /> },
    { key: 'created', header: 'Added', sortKey: 'created_at', defaultHidden: true, hideBelow: 'lg', cell: (i) => formatDate(i.created_at) },
  ];

  const statuses = options.data?.status.length ? options.data.status : ['new', 'queued', 'completed'];
  const types = options.data?.content_type ?? [];
  const newIdeas = ready.data ?? 0;

  return (
    <>
      <PageHeader
        eyebrow="Planner"
        title="Ideas"
        description={`Article ideas with outlines for ${ps.label}. The writer turns them into drafts.`}
      />
      {newIdeas > 0 && (
        <NextAction
          testId="next-action"
          action={
            canEdit ? (
              <Button size="sm" variant="primary" loading={collecting || writer.pending} onClick={() => void queueAllNew()}>
                <SendIcon size={14} /> Queue {newIdeas === 1 ? 'it' : newIdeas > 1000 ? 'the first 1,000' : `all ${formatNumber(newIdeas)}`} to the writer
              </Button>
            ) : undefined
          }
        >
          <strong>{plural(newIdeas, 'idea')}</strong> ready for the writer.
        </NextAction>
      )}
      <DataTable<Idea>
        label="Ideas"
        queryKey={plannerKeys.ideas}
        fetchPage={(q) => api.get('/api/v1/planner/ideas', { query: q })}
        columns={columns}
        rowKey={(i) => i.id}
        initialOrdering="-created_at"
        searchPlaceholder="Search ideas"
        params={{ ...scope }}
        filters={{
          status: status || undefined,
          content_type: contentType || undefined,
          cluster_id: clusterFilter ? Number(clusterFilter) : undefined,
        }}
        onClearFilters={() => {
          setStatus('');
          setContentType('');
          setClusterFilter('');
        }}
        columnChooserKey="planner-ideas"
        selectable={canEdit}
        bulkActions={(rows, clear) => (
          <Button size="sm" variant="primary" loading={writer.pending} onClick={() => writer.queue(rows.map((r) => r.id), clear)}>
            <SendIcon size={14} /> Queue to writer
          </Button>
        )}
        toolbar={
          <>
            <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)} className="h-8 w-auto py-0 text-[13px]">
              <option value="">Any status</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {statusLabel(s)}
                </option>
              ))}
            </Select>
            <Select aria-label="Cluster" value={clusterFilter} onChange={(e) => setClusterFilter(e.target.value)} className="h-8 w-auto max-w-44 py-0 text-[13px]">
              <option value="">Any cluster</option>
              {(clusters.data?.results ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Select>
            {types.length > 1 && (
              <Select aria-label="Content type" value={contentType} onChange={(e) => setContentType(e.target.value)} className="h-8 w-auto py-0 text-[13px] capitalize">
                <option value="">Any type</option>
                {types.map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </Select>
            )}
          </>
        }
        rowActions={(i) => (
          <>
            <Button size="sm" variant="ghost" aria-label={`Outline of ${i.title}`} title="Outline" onClick={() => setViewing(i)}>
              <ListIcon size={15} className="text-zinc-500" />
            </Button>
            {canEdit && (
              <>
                <Button size="sm" variant="ghost" aria-label={`Edit ${i.title}`} title="Edit" onClick={() => setEditing(i)}>
                  <PenIcon size={15} className="text-zinc-500" />
                </Button>
                <Button size="sm" variant="ghost" aria-label={`Delete ${i.title}`} title="Delete" onClick={() => setDeleting(i)}>
                  <TrashIcon size={15} className="text-zinc-500" />
                </Button>
                {/* Last, so the other actions stay in line on rows without it. */}
                {i.status === 'new' && (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={`Queue ${i.title} to the writer`}
                    title="Queue to writer"
                    disabled={writer.pending}
                    onClick={() => writer.queue([i.id])}
                  >
                    <SendIcon size={15} className="text-zinc-500" />
                  </Button>
                )}
              </>
            )}
          </>
        )}
        empty={
          <EmptyState
            icon={<BulbIcon size={22} />}
            title="No ideas yet"
            action={<ButtonLink to="/planner/clusters" variant="primary">Go to clusters</ButtonLink>}
          >
            Ideas are written per cluster: select clusters and choose “Generate ideas”.
          </EmptyState>
        }
      />
      <IdeaDetailModal
        idea={viewing}
        canEdit={canEdit}
        onClose={() => setViewing(null)}
        onEdit={(i) => {
          setViewing(null);
          setEditing(i);
        }}
      />
      <IdeaEditModal idea={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        title="Delete this idea?"
        confirmLabel="Delete idea"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>“{deleting?.title}” and its outline are removed.</p>
      </ConfirmDialog>
    </>
  );
}

export default function IdeasPage() {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Planner" title="Ideas" />}
      <ScopeGate scope={ps}>
        <IdeasBody ps={ps} />
      </ScopeGate>
    </>
  );
}
