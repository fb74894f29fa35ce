// Writer → Tasks: the writing queue. Ideas queued from the planner become tasks; "Generate content" writes the
// articles of up to ten selected tasks (followed in the progress modal); a written task opens its article.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { useClusterChoices, type Scope } from '../../api/planner';
import type { WriterTask } from '../../api/types';
import {
  MAX_ARTICLES_PER_RUN,
  listContent,
  listWriterTasks,
  refreshWriterAndPlanner,
  useWriterTaskCount,
  useWriterTaskOptions,
  writerKeys,
} from '../../api/writer';
import { DataTable, type Column } from '../../components/DataTable';
import { DocIcon, ListIcon, PenIcon, SparkIcon, TrashIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { Badge, Button, ButtonLink, EmptyState, PageHeader, Select, formatDate, formatNumber } from '../../components/ui';
import { toast } from '../../stores/toast';
import { NextAction, ScopeGate, TaskStartError, VIEWER_HINT, plural, useCanEdit, usePlannerScope, type PlannerScope } from '../planner/shared';
import { TaskStatusBadge, useGenerateContent } from './shared';

function TasksBody({ ps }: { ps: PlannerScope }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { canEdit } = useCanEdit();
  const scope = ps.scope as Scope;
  const [status, setStatus] = useState('');
  const [clusterId, setClusterId] = useState('');
  const [contentType, setContentType] = useState('');
  const [deleting, setDeleting] = useState<{ rows: WriterTask[]; clear?: () => void } | null>(null);
  const [opening, setOpening] = useState<number | null>(null);

  const clusters = useClusterChoices(scope);
  const clusterNames = useMemo(() => new Map((clusters.data?.results ?? []).map((c) => [c.id, c.name])), [clusters.data]);
  const options = useWriterTaskOptions();
  const queued = useWriterTaskCount({ ...scope, status: 'queued' });
  const generate = useGenerateContent();
  const [collecting, setCollecting] = useState(false);

  const remove = useMutation({
    mutationFn: (ids: number[]) => api.post('/api/v1/writer/tasks/bulk_delete', { body: { ids } }),
    onSuccess: (_, ids) => {
      refreshWriterAndPlanner(queryClient);
      toast.success(ids.length === 1 ? `Deleted “${deleting?.rows[0]?.title}”.` : `Deleted ${plural(ids.length, 'task')}.`);
      deleting?.clear?.();
      setDeleting(null);
    },
  });

  /** The oldest queued tasks of the scope, up to one run's worth. */
  const writeNext = async () => {
    setCollecting(true);
    try {
      const page = await listWriterTasks({ ...scope, status: 'queued', ordering: 'created_at', page_size: MAX_ARTICLES_PER_RUN });
      generate.start(page.results.map((t) => t.id));
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'The tasks could not be read.');
    } finally {
      setCollecting(false);
    }
  };

  /** A written task's article (looked up by its task). */
  const openArticle = async (task: WriterTask) => {
    setOpening(task.id);
    try {
      const found = await listContent({ task_id: task.id, page_size: 1 });
      const article = found.results[0];
      if (article) navigate(`/writer/content/${article.id}`);
      else toast.error('The article of this task was deleted.');
    } catch (error) {
      toast.error(error instanceof Error ? error.message : 'The article could not be found.');
    } finally {
      setOpening(null);
    }
  };

  const columns: Column<WriterTask>[] = [
    {
      key: 'title',
      header: 'Task',
      sortKey: 'title',
      hideable: false,
      className: 'min-w-64',
      cell: (t) => (
        <div className="min-w-0">
          <p className="font-medium text-zinc-900 dark:text-zinc-100">{t.title}</p>
          {t.keywords.length > 0 && (
            <p className="mt-1 flex flex-wrap gap-1" aria-label="Keywords">
              {t.keywords.slice(0, 3).map((k, i) => (
                <Badge key={k} tone={i === 0 ? 'accent' : 'neutral'}>
                  {k}
                </Badge>
              ))}
              {t.keywords.length > 3 && <span className="text-[12px] text-zinc-500">+{t.keywords.length - 3}</span>}
            </p>
          )}
        </div>
      ),
    },
    {
      key: 'cluster',
      header: 'Cluster',
      hideBelow: 'md',
      cell: (t) =>
        t.cluster_id != null ? (
          <Link
            to={`/planner/clusters/${t.cluster_id}`}
            className="block max-w-44 text-zinc-700 hover:text-accent-700 hover:underline dark:text-zinc-300 dark:hover:text-accent-300"
          >
            {clusterNames.get(t.cluster_id) ?? `Cluster ${t.cluster_id}`}
          </Link>
        ) : (
          <span className="text-zinc-400">—</span>
        ),
    },
    ...(ps.sector ? [] : [{ key: 'sector', header: 'Sector', hideBelow: 'lg' as const, defaultHidden: true, cell: (t: WriterTask) => ps.sectorName(t.sector_id) }]),
    {
      key: 'type',
      header: 'Type',
      hideBelow: 'lg',
      cell: (t) => <span className="whitespace-nowrap capitalize">{[t.content_type, t.content_structure.replace(/_/g, ' ')].filter(Boolean).join(' · ')}</span>,
    },
    { key: 'words', header: 'Words', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (t) => formatNumber(t.target_words) },
    { key: 'status', header: 'Status', cell: (t) => <TaskStatusBadge status={t.status} /> },
    { key: 'created', header: 'Added', sortKey: 'created_at', hideBelow: 'lg', cell: (t) => formatDate(t.created_at) },
  ];

  const statuses = options.data?.status.length ? options.data.status : ['queued', 'completed'];
  const types = options.data?.content_type ?? [];
  const waiting = queued.data ?? 0;
  const editHint = canEdit ? undefined : VIEWER_HINT;

  return (
    <>
      <PageHeader
        eyebrow="Writer"
        title="Tasks"
        description={`The writing queue of ${ps.label}. Each task becomes an article that follows its idea's outline.`}
      />
      {waiting > 0 && (
        <NextAction
          testId="next-action"
          action={
            <span title={editHint} className="inline-flex">
              <Button size="sm" variant="primary" disabled={!canEdit} loading={collecting || generate.pending} onClick={() => void writeNext()}>
                <SparkIcon size={15} /> {waiting > MAX_ARTICLES_PER_RUN ? `Write the next ${MAX_ARTICLES_PER_RUN}` : 'Generate content'}
              </Button>
            </span>
          }
        >
          <strong>{plural(waiting, 'task')}</strong> waiting to be written
          {waiting > MAX_ARTICLES_PER_RUN ? ` (up to ${MAX_ARTICLES_PER_RUN} articles per run)` : ''}.
        </NextAction>
      )}
      <TaskStartError error={generate.error} className="mb-4" />

      <DataTable<WriterTask>
        label="Writer tasks"
        queryKey={writerKeys.tasks}
        fetchPage={(q) => listWriterTasks(q)}
        columns={columns}
        rowKey={(t) => t.id}
        initialOrdering="-created_at"
        searchPlaceholder="Search tasks"
        params={{ ...scope }}
        filters={{ status: status || undefined, cluster_id: clusterId ? Number(clusterId) : undefined, content_type: contentType || undefined }}
        onClearFilters={() => {
          setStatus('');
          setClusterId('');
          setContentType('');
        }}
        columnChooserKey="writer-tasks"
        toolbar={
          <>
            <Select aria-label="Status" value={status} onChange={(e) => setStatus(e.target.value)} className="h-8 w-auto py-0 text-[13px]">
              <option value="">Any status</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {s === 'completed' ? 'Written' : s === 'queued' ? 'Queued' : s}
                </option>
              ))}
            </Select>
            <Select aria-label="Cluster" value={clusterId} onChange={(e) => setClusterId(e.target.value)} className="h-8 w-auto max-w-44 py-0 text-[13px]">
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
        selectable={canEdit}
        bulkActions={(rows, clear) => {
          const toWrite = rows.filter((r) => r.status === 'queued');
          return (
            <>
              <Button size="sm" variant="primary" disabled={toWrite.length === 0} loading={generate.pending} onClick={() => generate.start(toWrite.map((r) => r.id), clear)}>
                <SparkIcon size={14} /> Generate content{toWrite.length !== rows.length && toWrite.length > 0 ? ` (${toWrite.length})` : ''}
              </Button>
              <Button size="sm" onClick={() => setDeleting({ rows, clear })}>
                <TrashIcon size={14} /> Delete
              </Button>
            </>
          );
        }}
        rowActions={(t) => (
          <>
            {t.status === 'completed' ? (
              <Button size="sm" variant="ghost" aria-label={`Open the article of ${t.title}`} title="Open the article" loading={opening === t.id} onClick={() => void openArticle(t)}>
                <DocIcon size={15} className="text-zinc-500" />
              </Button>
            ) : (
              canEdit && (
                <Button size="sm" variant="ghost" aria-label={`Write ${t.title}`} title="Generate content" disabled={generate.pending} onClick={() => generate.start([t.id])}>
                  <PenIcon size={15} className="text-zinc-500" />
                </Button>
              )
            )}
            {canEdit && (
              <Button size="sm" variant="ghost" aria-label={`Delete ${t.title}`} title="Delete" onClick={() => setDeleting({ rows: [t] })}>
                <TrashIcon size={15} className="text-zinc-500" />
              </Button>
            )}
          </>
        )}
        empty={
          <EmptyState
            icon={<ListIcon size={22} />}
            title="No writer tasks yet"
            action={<ButtonLink to="/planner/ideas" variant="primary">Go to ideas</ButtonLink>}
          >
            Queue ideas to the writer on the Ideas page: each becomes a task here, ready to be written.
          </EmptyState>
        }
      />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          remove.reset();
        }}
        onConfirm={() => deleting && remove.mutate(deleting.rows.map((r) => r.id))}
        title={deleting && deleting.rows.length > 1 ? `Delete ${plural(deleting.rows.length, 'task')}?` : 'Delete this task?'}
        confirmLabel="Delete"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>
          {deleting && deleting.rows.length === 1 ? `“${deleting.rows[0]?.title}” leaves the writing queue.` : 'They leave the writing queue.'} Articles
          already written are kept.
        </p>
      </ConfirmDialog>
      {generate.modal}
    </>
  );
}

export default function WriterTasksPage() {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Writer" title="Tasks" />}
      <ScopeGate scope={ps}>
        <TasksBody ps={ps} />
      </ScopeGate>
    </>
  );
}
