// Planner → Clusters: groups of keywords with their figures (keywords, volume, difficulty, ideas, content);
// "Generate ideas" for the selected clusters; edit and delete per row.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { plannerKeys, refreshPlanner, useClusterChoices, useKeywordCount, type Scope } from '../../api/planner';
import type { Cluster } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { BulbIcon, ClusterIcon, PenIcon, PlusIcon, TrashIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { Button, ButtonLink, EmptyState, PageHeader, formatNumber } from '../../components/ui';
import { toast } from '../../stores/toast';
import { ClusterFormModal, MAX_CLUSTERS_PER_RUN, useGenerateIdeas } from './clusterActions';
import {
  NextAction,
  OfflineBadge,
  ScopeGate,
  StatusBadge,
  TaskStartError,
  VIEWER_HINT,
  num,
  plainDescription,
  plural,
  useCanEdit,
  usePlannerScope,
  type PlannerScope,
} from './shared';

function ClustersBody({ ps }: { ps: PlannerScope }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const scope = ps.scope as Scope;
  const site = ps.site!;
  const all = useClusterChoices(scope);
  const unclustered = useKeywordCount({ ...scope, status: 'new' });
  const ideas = useGenerateIdeas();
  const [form, setForm] = useState<{ cluster: Cluster | null } | null>(null);
  const [deleting, setDeleting] = useState<Cluster | null>(null);

  const remove = useMutation({
    mutationFn: (id: number) => api.delete('/api/v1/planner/clusters/{id}', { path: { id } }),
    onSuccess: () => {
      refreshPlanner(queryClient);
      toast.success(`Deleted “${deleting?.name}”; its keywords are unclustered again.`);
      setDeleting(null);
    },
  });

  const clusters = all.data?.results ?? [];
  const withoutIdeas = clusters.filter((c) => c.ideas_count === 0 && c.keywords_count > 0);
  const editHint = canEdit ? undefined : VIEWER_HINT;

  const columns: Column<Cluster>[] = [
    {
      key: 'name',
      header: 'Cluster',
      sortKey: 'name',
      hideable: false,
      className: 'min-w-56',
      cell: (c) => (
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-1.5">
            <Link
              to={`/planner/clusters/${c.id}`}
              className="font-medium text-zinc-900 hover:text-accent-700 hover:underline dark:text-zinc-100 dark:hover:text-accent-300"
            >
              {c.name}
            </Link>
            <OfflineBadge item={c} />
          </div>
          {c.description && (
            <p className="mt-0.5 line-clamp-1 max-w-md text-[13px] text-zinc-500 dark:text-zinc-400" title={c.description}>
              {plainDescription(c.description)}
            </p>
          )}
        </div>
      ),
    },
    ...(ps.sector ? [] : [{ key: 'sector', header: 'Sector', hideBelow: 'lg' as const, cell: (c: Cluster) => ps.sectorName(c.sector_id) }]),
    { key: 'keywords', header: 'Keywords', className: 'text-right tabular-nums', cell: (c) => formatNumber(c.keywords_count) },
    { key: 'volume', header: 'Volume', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (c) => formatNumber(c.volume) },
    { key: 'difficulty', header: 'Avg. difficulty', hideBelow: 'md', className: 'text-right tabular-nums', cell: (c) => (c.keywords_count ? num(c.difficulty, 1) : '—') },
    {
      key: 'ideas',
      header: 'Ideas',
      className: 'text-right tabular-nums',
      cell: (c) =>
        c.ideas_count > 0 ? (
          <Link to={`/planner/ideas?cluster=${c.id}`} className="text-accent-700 hover:underline dark:text-accent-300">
            {formatNumber(c.ideas_count)}
          </Link>
        ) : (
          <span className="text-zinc-400">0</span>
        ),
    },
    { key: 'content', header: 'Content', hideBelow: 'xl', className: 'text-right tabular-nums', cell: (c) => formatNumber(c.content_count) },
    { key: 'status', header: 'Status', hideBelow: 'md', cell: (c) => <StatusBadge status={c.status} kind="cluster" /> },
  ];

  const waiting = unclustered.data ?? 0;

  return (
    <>
      <PageHeader
        eyebrow="Planner"
        title="Clusters"
        description={`Topics built from the keywords of ${ps.label}. Each cluster becomes a set of article ideas.`}
        actions={
          <span title={editHint} className="inline-flex">
            <Button onClick={() => setForm({ cluster: null })} disabled={!canEdit}>
              <PlusIcon size={16} /> Add cluster
            </Button>
          </span>
        }
      />

      {withoutIdeas.length > 0 && (
        <NextAction
          testId="next-action"
          action={
            <span title={editHint} className="inline-flex">
              <Button
                size="sm"
                variant="primary"
                disabled={!canEdit}
                loading={ideas.pending}
                onClick={() => ideas.start(withoutIdeas.slice(0, MAX_CLUSTERS_PER_RUN).map((c) => c.id))}
              >
                <BulbIcon size={15} /> Generate ideas
              </Button>
            </span>
          }
        >
          <strong>{plural(withoutIdeas.length, 'cluster')}</strong> without ideas yet
          {withoutIdeas.length > MAX_CLUSTERS_PER_RUN ? ` (the first ${MAX_CLUSTERS_PER_RUN} are done per run)` : ''}.
        </NextAction>
      )}
      {waiting > 0 && clusters.length > 0 && (
        <NextAction action={<ButtonLink size="sm" to="/planner/keywords">Go to keywords</ButtonLink>}>
          {plural(waiting, 'keyword')} not clustered yet.
        </NextAction>
      )}
      <TaskStartError error={ideas.error} className="mb-4" />

      <DataTable<Cluster>
        label="Clusters"
        queryKey={plannerKeys.clusters}
        fetchPage={(q) => api.get('/api/v1/planner/clusters', { query: q })}
        columns={columns}
        rowKey={(c) => c.id}
        initialOrdering="name"
        searchPlaceholder="Search clusters"
        params={{ ...scope }}
        columnChooserKey="planner-clusters"
        selectable={canEdit}
        bulkActions={(rows, clear) => (
          <Button size="sm" variant="primary" onClick={() => ideas.start(rows.map((r) => r.id), clear)} loading={ideas.pending}>
            <BulbIcon size={14} /> Generate ideas
          </Button>
        )}
        rowActions={
          canEdit
            ? (c) => (
                <>
                  <Button size="sm" variant="ghost" aria-label={`Edit ${c.name}`} title="Edit" onClick={() => setForm({ cluster: c })}>
                    <PenIcon size={15} className="text-zinc-500" />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Delete ${c.name}`} title="Delete" onClick={() => setDeleting(c)}>
                    <TrashIcon size={15} className="text-zinc-500" />
                  </Button>
                </>
              )
            : undefined
        }
        empty={
          <EmptyState
            icon={<ClusterIcon size={22} />}
            title="No clusters yet"
            action={<ButtonLink to="/planner/keywords" variant="primary">Go to keywords</ButtonLink>}
          >
            {waiting > 0
              ? `${plural(waiting, 'keyword')} ${waiting === 1 ? 'is' : 'are'} waiting in ${ps.sector ? ps.sector.name : site.name}. Auto-cluster them on the Keywords page.`
              : 'Add keywords first, then auto-cluster them into topics.'}
          </EmptyState>
        }
      />

      <ClusterFormModal
        open={form !== null}
        cluster={form?.cluster ?? null}
        onClose={() => setForm(null)}
        siteId={site.id}
        sectors={ps.sectors}
        defaultSectorId={ps.sector?.id ?? null}
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.id)}
        title="Delete this cluster?"
        confirmLabel="Delete cluster"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>
          “{deleting?.name}” is removed; its {plural(deleting?.keywords_count ?? 0, 'keyword')} go back to “not
          clustered”.
        </p>
      </ConfirmDialog>
      {ideas.modal}
    </>
  );
}

export default function ClustersPage() {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Planner" title="Clusters" />}
      <ScopeGate scope={ps}>
        <ClustersBody ps={ps} />
      </ScopeGate>
    </>
  );
}
