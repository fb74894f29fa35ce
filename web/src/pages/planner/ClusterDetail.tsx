// One cluster: its figures, its keywords (remove one from the cluster) and its ideas with their outlines.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api';
import { isApiError } from '../../api/client';
import { plannerKeys, refreshPlanner, useCluster } from '../../api/planner';
import { useSiteSectors } from '../../api/queries';
import type { Idea, Keyword } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { BulbIcon, ChevronDownIcon, ChevronLeftIcon, PenIcon, SendIcon, TrashIcon, XIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { Alert, Button, ButtonLink, Card, EmptyState, ErrorAlert, LoadingBlock, PageHeader, cx, formatNumber } from '../../components/ui';
import { toast } from '../../stores/toast';
import { ClusterFormModal, useGenerateIdeas } from './clusterActions';
import { IdeaEditModal, useQueueToWriter } from './ideaModals';
import { IdeaOutline } from './IdeaOutline';
import { OfflineBadge, StatusBadge, TaskStartError, VIEWER_HINT, num, plainDescription, plural, useCanEdit } from './shared';

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900">
      <p className="text-xs text-zinc-500 dark:text-zinc-400">{label}</p>
      <p className="mt-0.5 text-xl font-semibold text-zinc-900 tabular-nums dark:text-zinc-50">{value}</p>
    </div>
  );
}

function IdeaCard({ idea, onEdit, canEdit }: { idea: Idea; onEdit: () => void; canEdit: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900" data-testid="cluster-idea">
      <div className="flex flex-wrap items-start gap-3 px-4 py-3">
        <button
          type="button"
          onClick={() => setOpen((o) => !o)}
          aria-expanded={open}
          className="flex min-w-0 flex-1 items-start gap-2 text-left"
        >
          <ChevronDownIcon size={16} className={cx('mt-0.5 shrink-0 text-zinc-400 transition-transform', !open && '-rotate-90')} />
          <span className="min-w-0">
            <span className="block font-medium text-zinc-900 dark:text-zinc-100">{idea.title}</span>
            <span className="mt-1 flex flex-wrap items-center gap-1.5 text-[12px] text-zinc-500 dark:text-zinc-400">
              <StatusBadge status={idea.status} kind="idea" />
              <OfflineBadge item={idea} />
              <span>
                {idea.outline.length} sections · {formatNumber(idea.target_word_count)} words
              </span>
            </span>
          </span>
        </button>
        {canEdit && (
          <Button size="sm" variant="ghost" aria-label={`Edit ${idea.title}`} onClick={onEdit}>
            <PenIcon size={15} className="text-zinc-500" />
          </Button>
        )}
      </div>
      {open && (
        <div className="border-t border-zinc-200 px-4 py-4 dark:border-zinc-800">
          <IdeaOutline idea={idea} badges={false} />
        </div>
      )}
    </li>
  );
}

export default function ClusterDetail() {
  const { clusterId } = useParams();
  const id = Number(clusterId);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const cluster = useCluster(Number.isFinite(id) ? id : null);
  const sectors = useSiteSectors(cluster.data?.site_id ?? null);
  const ideas = useQuery({
    queryKey: [...plannerKeys.ideas, 'of-cluster', id],
    queryFn: () => api.get('/api/v1/planner/ideas', { query: { cluster_id: id, page_size: 50, ordering: 'created_at' } }),
    enabled: Number.isFinite(id),
  });
  const generate = useGenerateIdeas();
  const writer = useQueueToWriter();
  const [editing, setEditing] = useState(false);
  const [editingIdea, setEditingIdea] = useState<Idea | null>(null);
  const [deleting, setDeleting] = useState(false);

  const unmap = useMutation({
    mutationFn: (k: Keyword) => api.patch('/api/v1/planner/keywords/{id}', { path: { id: k.id }, body: { cluster_id: null } }),
    onSuccess: (k) => {
      refreshPlanner(queryClient);
      toast.success(`Removed “${k.keyword}” from the cluster.`);
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : 'Could not remove the keyword.'),
  });
  const remove = useMutation({
    mutationFn: () => api.delete('/api/v1/planner/clusters/{id}', { path: { id } }),
    onSuccess: () => {
      refreshPlanner(queryClient);
      toast.success('Cluster deleted; its keywords are unclustered again.');
      navigate('/planner/clusters');
    },
  });

  if (cluster.isLoading) return <LoadingBlock />;
  if (cluster.isError || !cluster.data) {
    const missing = isApiError(cluster.error) && cluster.error.status === 404;
    return (
      <Card>
        <EmptyState title={missing ? 'Cluster not found' : 'The cluster could not be loaded'} action={<ButtonLink to="/planner/clusters">Back to clusters</ButtonLink>}>
          {missing ? 'It may have been deleted.' : <ErrorAlert error={cluster.error} />}
        </EmptyState>
      </Card>
    );
  }
  const c = cluster.data;
  const sectorName = sectors.data?.find((s) => s.id === c.sector_id)?.name;
  const ideaList = ideas.data?.results ?? [];
  const newIdeas = ideaList.filter((i) => i.status === 'new');

  const columns: Column<Keyword>[] = [
    {
      key: 'keyword',
      header: 'Keyword',
      sortKey: 'keyword',
      cell: (k) => (
        <span className="font-medium text-zinc-900 dark:text-zinc-100" title={k.intent}>
          {k.keyword}
        </span>
      ),
    },
    { key: 'volume', header: 'Volume', sortKey: 'volume', className: 'text-right tabular-nums', cell: (k) => formatNumber(k.volume) },
    { key: 'difficulty', header: 'Difficulty', sortKey: 'difficulty', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (k) => k.difficulty },
  ];

  return (
    <>
      <Link to="/planner/clusters" className="mb-3 inline-flex items-center gap-1 text-[13px] text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">
        <ChevronLeftIcon size={14} /> Clusters
      </Link>
      <PageHeader
        eyebrow={sectorName ? `Cluster · ${sectorName}` : 'Cluster'}
        title={
          <span className="inline-flex flex-wrap items-center gap-2">
            {c.name} <OfflineBadge item={c} />
          </span>
        }
        description={c.description ? plainDescription(c.description) : undefined}
        actions={
          canEdit ? (
            <>
              <Button onClick={() => setEditing(true)}>
                <PenIcon size={15} /> Edit
              </Button>
              <Button variant="ghost" onClick={() => setDeleting(true)} aria-label="Delete cluster">
                <TrashIcon size={15} />
              </Button>
              <Button variant="primary" onClick={() => generate.start([c.id])} loading={generate.pending} disabled={c.keywords_count === 0}>
                <BulbIcon size={15} /> Generate ideas
              </Button>
            </>
          ) : (
            <span title={VIEWER_HINT} className="inline-flex">
              <Button variant="primary" disabled>
                <BulbIcon size={15} /> Generate ideas
              </Button>
            </span>
          )
        }
      />
      <TaskStartError error={generate.error} className="mb-4" />

      <div className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-5">
        <Stat label="Keywords" value={formatNumber(c.keywords_count)} />
        <Stat label="Volume" value={formatNumber(c.volume)} />
        <Stat label="Avg. difficulty" value={c.keywords_count ? num(c.difficulty, 1) : '—'} />
        <Stat label="Ideas" value={formatNumber(c.ideas_count)} />
        <Stat label="Content" value={formatNumber(c.content_count)} />
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="cluster-keywords">
          <h2 id="cluster-keywords" className="mb-2 text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
            Keywords
          </h2>
          <DataTable<Keyword>
            label="Keywords of the cluster"
            queryKey={plannerKeys.keywords}
            fetchPage={(q) => api.get('/api/v1/planner/keywords', { query: q })}
            columns={columns}
            rowKey={(k) => k.id}
            initialOrdering="-volume"
            initialPageSize={10}
            pageSizes={[10, 25, 50]}
            searchable={false}
            params={{ cluster_id: c.id }}
            rowActions={
              canEdit
                ? (k) => (
                    <Button size="sm" variant="ghost" aria-label={`Remove ${k.keyword} from the cluster`} title="Remove from the cluster" onClick={() => unmap.mutate(k)}>
                      <XIcon size={15} className="text-zinc-500" />
                    </Button>
                  )
                : undefined
            }
            empty={<p className="px-6 py-8 text-center text-sm text-zinc-500">No keywords in this cluster.</p>}
          />
        </section>

        <section aria-labelledby="cluster-ideas">
          <div className="mb-2 flex items-center justify-between gap-2">
            <h2 id="cluster-ideas" className="text-[15px] font-semibold text-zinc-900 dark:text-zinc-100">
              Ideas {ideaList.length > 0 && <span className="font-normal text-zinc-400">({ideaList.length})</span>}
            </h2>
            {canEdit && newIdeas.length > 0 && (
              <Button size="sm" loading={writer.pending} onClick={() => writer.queue(newIdeas.map((i) => i.id))}>
                <SendIcon size={14} /> Queue {newIdeas.length === ideaList.length ? 'all' : plural(newIdeas.length, 'new idea')} to the writer
              </Button>
            )}
          </div>
          {ideas.isLoading ? (
            <LoadingBlock />
          ) : ideas.isError ? (
            <ErrorAlert error={ideas.error} />
          ) : ideaList.length === 0 ? (
            <Card>
              <EmptyState icon={<BulbIcon size={22} />} title="No ideas for this cluster yet" className="py-8">
                {c.keywords_count > 0
                  ? 'Generate ideas to get article titles with outlines built from these keywords.'
                  : 'Add keywords to the cluster first.'}
              </EmptyState>
            </Card>
          ) : (
            <ul className="space-y-2">
              {ideaList.map((idea) => (
                <IdeaCard key={idea.id} idea={idea} canEdit={canEdit} onEdit={() => setEditingIdea(idea)} />
              ))}
            </ul>
          )}
          {c.ideas_count > ideaList.length && ideaList.length > 0 && (
            <Alert className="mt-3">
              Showing {ideaList.length} of {plural(c.ideas_count, 'idea')}. <Link to={`/planner/ideas?cluster=${c.id}`} className="font-medium underline">See all</Link>
            </Alert>
          )}
        </section>
      </div>

      <ClusterFormModal
        open={editing}
        cluster={c}
        onClose={() => setEditing(false)}
        siteId={c.site_id}
        sectors={sectors.data ?? []}
        defaultSectorId={c.sector_id}
      />
      <IdeaEditModal idea={editingIdea} onClose={() => setEditingIdea(null)} />
      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        onConfirm={() => remove.mutate()}
        title="Delete this cluster?"
        confirmLabel="Delete cluster"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>
          “{c.name}” is removed; its {plural(c.keywords_count, 'keyword')} go back to “not clustered”.
        </p>
      </ConfirmDialog>
      {generate.modal}
    </>
  );
}
