// Planner → Keywords: the site's keywords (per sector from the header) with server-side paging, sorting,
// search and filters; bulk delete / set intent / auto-cluster; edit and delete per row; add one, import a CSV
// (with a preview) and export the filtered list.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import {
  plannerKeys,
  refreshPlanner,
  useClusterChoices,
  useKeywordCount,
  useKeywordFilterOptions,
  type Scope,
} from '../../api/planner';
import { INTENTS, type Keyword, type Task } from '../../api/types';
import { DataTable, type Column, type TableQuery } from '../../components/DataTable';
import { ClusterIcon, DownloadIcon, FilterIcon, PenIcon, PlusIcon, TagIcon, TrashIcon, UploadIcon, BookIcon } from '../../components/icons';
import { ConfirmDialog } from '../../components/overlays';
import { ProgressModal } from '../../components/ProgressModal';
import { Button, ButtonLink, EmptyState, Input, PageHeader, Select, cx, formatDate, formatNumber } from '../../components/ui';
import { useDebounced } from '../../lib/useDebounced';
import { toast } from '../../stores/toast';
import { ImportKeywordsModal } from './ImportKeywordsModal';
import { CreateKeywordModal, EditKeywordModal } from './keywordModals';
import {
  IntentBadge,
  NextAction,
  ScopeGate,
  StatusBadge,
  TaskStartError,
  VIEWER_HINT,
  clusterSummary,
  num,
  plural,
  saveBlob,
  useCanEdit,
  usePlannerScope,
  type PlannerScope,
} from './shared';

interface Filters {
  status: string;
  intent: string;
  cluster_id: string;
  volume_min: string;
  volume_max: string;
  difficulty_min: string;
  difficulty_max: string;
}

const NO_FILTERS: Filters = {
  status: '',
  intent: '',
  cluster_id: '',
  volume_min: '',
  volume_max: '',
  difficulty_min: '',
  difficulty_max: '',
};

const wholeOrUndefined = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined);

function DifficultyCell({ value, overridden }: { value: number; overridden: boolean }) {
  const tone = value >= 70 ? 'bg-red-500' : value >= 40 ? 'bg-amber-500' : 'bg-emerald-500';
  return (
    <span className="inline-flex items-center gap-2" title={overridden ? 'Overridden' : undefined}>
      <span className="tabular-nums">{value}</span>
      <span className="hidden h-1.5 w-10 overflow-hidden rounded-full bg-zinc-200 sm:inline-block dark:bg-zinc-800" aria-hidden="true">
        <span className={cx('block h-full rounded-full', tone)} style={{ width: `${Math.min(100, Math.max(0, value))}%` }} />
      </span>
      {overridden && <span className="text-[11px] text-accent-600 dark:text-accent-400">edited</span>}
    </span>
  );
}

function FilterBar({
  value,
  onChange,
  options,
  clusterName,
}: {
  value: Filters;
  onChange: (next: Filters) => void;
  options: { status: string[]; intent: string[]; cluster_id: number[] };
  clusterName: (id: number) => string;
}) {
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...value, [key]: e.target.value });
  const label = 'mb-1 block text-xs font-medium text-zinc-500 dark:text-zinc-400';
  const intents = options.intent.length ? options.intent : [...INTENTS];
  return (
    <>
      <label className="flex-none">
        <span className={label}>Status</span>
        <Select value={value.status} onChange={set('status')} className="h-8 w-36 py-0 text-[13px]">
          <option value="">Any status</option>
          <option value="new">Not clustered</option>
          <option value="mapped">Clustered</option>
        </Select>
      </label>
      <label className="flex-none">
        <span className={label}>Intent</span>
        <Select value={value.intent} onChange={set('intent')} className="h-8 w-36 py-0 text-[13px] capitalize">
          <option value="">Any intent</option>
          {intents.map((i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </Select>
      </label>
      <label className="flex-none">
        <span className={label}>Cluster</span>
        <Select value={value.cluster_id} onChange={set('cluster_id')} className="h-8 w-44 py-0 text-[13px]">
          <option value="">Any cluster</option>
          {options.cluster_id.map((id) => (
            <option key={id} value={id}>
              {clusterName(id)}
            </option>
          ))}
        </Select>
      </label>
      <fieldset className="flex-none">
        <legend className={label}>Volume</legend>
        <div className="flex items-center gap-1">
          <Input aria-label="Minimum volume" inputMode="numeric" placeholder="min" value={value.volume_min} onChange={set('volume_min')} className="h-8 w-20 text-[13px]" />
          <span className="text-zinc-400">–</span>
          <Input aria-label="Maximum volume" inputMode="numeric" placeholder="max" value={value.volume_max} onChange={set('volume_max')} className="h-8 w-20 text-[13px]" />
        </div>
      </fieldset>
      <fieldset className="flex-none">
        <legend className={label}>Difficulty</legend>
        <div className="flex items-center gap-1">
          <Input aria-label="Minimum difficulty" inputMode="numeric" placeholder="0" value={value.difficulty_min} onChange={set('difficulty_min')} className="h-8 w-16 text-[13px]" />
          <span className="text-zinc-400">–</span>
          <Input aria-label="Maximum difficulty" inputMode="numeric" placeholder="100" value={value.difficulty_max} onChange={set('difficulty_max')} className="h-8 w-16 text-[13px]" />
        </div>
      </fieldset>
      <Button size="sm" variant="ghost" onClick={() => onChange(NO_FILTERS)} className="ml-auto">
        Clear filters
      </Button>
    </>
  );
}

function KeywordsBody({ ps }: { ps: PlannerScope }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const site = ps.site!;
  const scope = ps.scope as Scope;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [showFilters, setShowFilters] = useState(false);
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState(false);
  const [editing, setEditing] = useState<Keyword | null>(null);
  const [deleting, setDeleting] = useState<{ rows: Keyword[]; done: () => void } | null>(null);
  const [running, setRunning] = useState<Task | null>(null);
  // The sector the "Auto-cluster" hint clusters: the header's, else the one picked beside the button.
  const [clusterSector, setClusterSector] = useState<number | null>(null);
  const clusterSectorId = ps.sector?.id ?? (ps.sectors.some((s) => s.id === clusterSector) ? clusterSector : (ps.sectors[0]?.id ?? null));
  const tableQuery = useRef<TableQuery & Record<string, unknown>>({ page: 1, page_size: 25 });

  const options = useKeywordFilterOptions(scope);
  const clusters = useClusterChoices(scope);
  const total = useKeywordCount(scope);
  const unclustered = useKeywordCount({ ...scope, status: 'new' });
  const clusterNames = useMemo(() => new Map((clusters.data?.results ?? []).map((c) => [c.id, c.name])), [clusters.data]);
  const clusterName = (id: number) => clusterNames.get(id) ?? `Cluster ${id}`;

  // Number boxes apply after a pause; selects at once.
  const numbers = useDebounced(
    {
      volume_min: wholeOrUndefined(filters.volume_min),
      volume_max: wholeOrUndefined(filters.volume_max),
      difficulty_min: wholeOrUndefined(filters.difficulty_min),
      difficulty_max: wholeOrUndefined(filters.difficulty_max),
    },
    400,
  );
  const numbersKey = JSON.stringify(numbers);
  const apiFilters = useMemo(
    () => ({
      status: filters.status || undefined,
      intent: filters.intent || undefined,
      cluster_id: filters.cluster_id ? Number(filters.cluster_id) : undefined,
      ...(JSON.parse(numbersKey) as Record<string, number | undefined>),
    }),
    [filters.status, filters.intent, filters.cluster_id, numbersKey],
  );
  const activeFilterCount = Object.values(filters).filter((v) => v !== '').length;

  const bulkDelete = useMutation({
    mutationFn: (ids: number[]) => api.post('/api/v1/planner/keywords/bulk_delete', { body: { ids } }),
    onSuccess: (result) => {
      refreshPlanner(queryClient);
      toast.success(`Deleted ${plural(result.count, 'keyword')}.`);
      deleting?.done();
      setDeleting(null);
    },
  });
  const bulkIntent = useMutation({
    mutationFn: ({ ids, intent }: { ids: number[]; intent: string; done: () => void }) =>
      api.post('/api/v1/planner/keywords/bulk_update', { body: { ids, intent } }),
    onSuccess: (result, { intent, done }) => {
      refreshPlanner(queryClient);
      toast.success(`Set ${plural(result.count, 'keyword')} to ${intent}.`);
      done();
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : 'Could not update the keywords.'),
  });
  const cluster = useMutation({
    mutationFn: (body: { sector_id: number; ids?: number[]; done?: () => void }) =>
      api.post('/api/v1/planner/keywords/auto_cluster', { body: { sector_id: body.sector_id, ids: body.ids } }),
    onSuccess: (task, { done }) => {
      done?.();
      setRunning(task);
    },
  });

  const clusterSelected = (rows: Keyword[], done: () => void) => {
    const sectorIds = new Set(rows.map((r) => r.sector_id));
    if (sectorIds.size > 1) {
      toast.error(`The selected keywords are in ${sectorIds.size} sectors. Auto-cluster one sector at a time.`);
      return;
    }
    cluster.mutate({ sector_id: rows[0]!.sector_id, ids: rows.map((r) => r.id), done });
  };

  const exportCsv = useMutation({
    mutationFn: () => {
      const { page: _p, page_size: _s, ...rest } = tableQuery.current;
      return api.download('/api/v1/planner/keywords/export', { query: rest });
    },
    onSuccess: ({ blob, filename }) => saveBlob(blob, filename ?? 'keywords.csv'),
    onError: (error) => toast.error(error instanceof Error ? error.message : 'The export failed.'),
  });

  const columns: Column<Keyword>[] = [
    {
      key: 'keyword',
      header: 'Keyword',
      sortKey: 'keyword',
      hideable: false,
      className: 'sm:min-w-44',
      cell: (k) => (
        <span className="font-medium text-zinc-900 dark:text-zinc-100" data-testid="keyword-cell">
          {k.keyword}
          {k.seed_keyword_id != null && (
            <span className="ml-1.5 text-[11px] font-normal text-zinc-400" title="Added from the keyword library">
              library
            </span>
          )}
        </span>
      ),
    },
    ...(ps.sector
      ? []
      : [{ key: 'sector', header: 'Sector', hideBelow: 'lg' as const, className: 'whitespace-nowrap', cell: (k: Keyword) => ps.sectorName(k.sector_id) }]),
    {
      key: 'volume',
      header: 'Volume',
      sortKey: 'volume',
      className: 'text-right tabular-nums',
      cell: (k) => (
        <span title={k.volume_override != null ? 'Overridden' : undefined}>
          {formatNumber(k.volume)}
          {k.volume_override != null && <span className="ml-1 text-[11px] text-accent-600 dark:text-accent-400">edited</span>}
        </span>
      ),
    },
    {
      key: 'difficulty',
      header: 'Difficulty',
      sortKey: 'difficulty',
      hideBelow: 'sm',
      cell: (k) => <DifficultyCell value={k.difficulty} overridden={k.difficulty_override != null} />,
    },
    { key: 'intent', header: 'Intent', hideBelow: 'sm', cell: (k) => <IntentBadge intent={k.intent} /> },
    { key: 'cpc', header: 'CPC', defaultHidden: true, hideBelow: 'md', className: 'tabular-nums', cell: (k) => (k.cpc != null ? `$${num(k.cpc, 2)}` : '—') },
    {
      key: 'cluster',
      header: 'Cluster',
      hideBelow: 'md',
      cell: (k) =>
        k.cluster_id != null ? (
          <Link
            to={`/planner/clusters/${k.cluster_id}`}
            title={clusterName(k.cluster_id)}
            className="block max-w-44 truncate text-zinc-700 hover:text-accent-700 hover:underline dark:text-zinc-300 dark:hover:text-accent-300"
          >
            {clusterName(k.cluster_id)}
          </Link>
        ) : (
          <span className="text-zinc-400">—</span>
        ),
    },
    { key: 'status', header: 'Status', hideBelow: 'lg', defaultHidden: true, cell: (k) => <StatusBadge status={k.status} kind="keyword" /> },
    { key: 'created', header: 'Added', sortKey: 'created_at', defaultHidden: true, hideBelow: 'lg', cell: (k) => formatDate(k.created_at) },
  ];

  const newCount = unclustered.data ?? 0;
  const totalCount = total.data ?? 0;
  const editHint = canEdit ? undefined : VIEWER_HINT;

  return (
    <>
      <PageHeader
        eyebrow="Planner"
        title="Keywords"
        description={`Keywords of ${ps.label}. Cluster them into topics, then write ideas for each cluster.`}
        actions={
          <>
            <span title={editHint} className="inline-flex">
              <Button onClick={() => setImporting(true)} disabled={!canEdit}>
                <UploadIcon size={16} /> Import CSV
              </Button>
            </span>
            <Button onClick={() => exportCsv.mutate()} loading={exportCsv.isPending} disabled={totalCount === 0}>
              <DownloadIcon size={16} /> Export
            </Button>
            <span title={editHint} className="inline-flex">
              <Button variant="primary" onClick={() => setCreating(true)} disabled={!canEdit}>
                <PlusIcon size={16} /> Add keyword
              </Button>
            </span>
          </>
        }
      />

      {totalCount > 0 && newCount > 0 && (
        <NextAction
          testId="next-action"
          action={
            <>
              {/* Clustering works one sector at a time: with all sectors shown, the sector is chosen right here. */}
              {!ps.sector && (
                <Select
                  aria-label="Sector to auto-cluster"
                  value={clusterSectorId ?? ''}
                  onChange={(e) => setClusterSector(Number(e.target.value) || null)}
                  className="h-8 w-auto max-w-48 py-0 text-[13px]"
                  data-testid="cluster-sector"
                >
                  {ps.sectors.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </Select>
              )}
              <span title={editHint} className="inline-flex">
                <Button
                  size="sm"
                  variant="primary"
                  disabled={!canEdit || clusterSectorId === null}
                  loading={cluster.isPending && !cluster.variables?.ids}
                  onClick={() => clusterSectorId !== null && cluster.mutate({ sector_id: clusterSectorId })}
                >
                  <ClusterIcon size={15} /> Auto-cluster
                </Button>
              </span>
            </>
          }
        >
          <strong>{plural(newCount, 'keyword')}</strong> not clustered
          {ps.sector ? ` in ${ps.sector.name}.` : ' across the sectors. Clustering works one sector at a time: choose which.'}
        </NextAction>
      )}
      {totalCount > 0 && newCount === 0 && !unclustered.isLoading && (
        <NextAction testId="next-action" action={<ButtonLink size="sm" to="/planner/clusters">View clusters</ButtonLink>}>
          Every keyword here is in a cluster. Next: ideas for each cluster.
        </NextAction>
      )}
      <TaskStartError error={cluster.error} className="mb-4" />

      <DataTable<Keyword>
        label="Keywords"
        queryKey={plannerKeys.keywords}
        fetchPage={(q) => api.get('/api/v1/planner/keywords', { query: q })}
        columns={columns}
        rowKey={(k) => k.id}
        initialOrdering="-volume"
        searchPlaceholder="Search keywords"
        params={{ ...scope }}
        filters={apiFilters}
        onClearFilters={() => setFilters(NO_FILTERS)}
        onQueryChange={(q) => {
          tableQuery.current = q;
        }}
        columnChooserKey="planner-keywords"
        selectable={canEdit}
        toolbar={
          <Button size="sm" variant={showFilters ? 'primary' : 'secondary'} aria-expanded={showFilters} onClick={() => setShowFilters((s) => !s)}>
            <FilterIcon size={14} /> Filters{activeFilterCount > 0 && ` (${activeFilterCount})`}
          </Button>
        }
        filterBar={
          showFilters ? (
            <FilterBar
              value={filters}
              onChange={setFilters}
              options={options.data ?? { status: [], intent: [], cluster_id: [] }}
              clusterName={clusterName}
            />
          ) : undefined
        }
        bulkActions={(rows, clear) => (
          <>
            <Select
              aria-label="Set intent of the selected keywords"
              value=""
              disabled={bulkIntent.isPending}
              onChange={(e) => e.target.value && bulkIntent.mutate({ ids: rows.map((r) => r.id), intent: e.target.value, done: clear })}
              className="h-8 w-auto py-0 text-[13px]"
            >
              <option value="">Set intent…</option>
              {INTENTS.map((i) => (
                <option key={i} value={i}>
                  {i[0]!.toUpperCase() + i.slice(1)}
                </option>
              ))}
            </Select>
            <Button size="sm" onClick={() => clusterSelected(rows, clear)} loading={cluster.isPending && Boolean(cluster.variables?.ids)}>
              <ClusterIcon size={14} /> Auto-cluster
            </Button>
            <Button size="sm" variant="danger" onClick={() => setDeleting({ rows, done: clear })}>
              <TrashIcon size={14} /> Delete
            </Button>
          </>
        )}
        rowActions={
          canEdit
            ? (k) => (
                <>
                  <Button size="sm" variant="ghost" aria-label={`Edit ${k.keyword}`} title="Edit" onClick={() => setEditing(k)}>
                    <PenIcon size={15} className="text-zinc-500" />
                  </Button>
                  <Button size="sm" variant="ghost" aria-label={`Delete ${k.keyword}`} title="Delete" onClick={() => setDeleting({ rows: [k], done: () => undefined })}>
                    <TrashIcon size={15} className="text-zinc-500" />
                  </Button>
                </>
              )
            : undefined
        }
        empty={
          <EmptyState
            icon={<TagIcon size={22} />}
            title={`No keywords in ${ps.sector ? ps.sector.name : site.name} yet`}
            action={
              canEdit && (
                <>
                  <Button variant="primary" onClick={() => setImporting(true)}>
                    <UploadIcon size={16} /> Import a CSV
                  </Button>
                  <ButtonLink to="/keywords-library">
                    <BookIcon size={16} /> Browse the keyword library
                  </ButtonLink>
                  <Button onClick={() => setCreating(true)}>
                    <PlusIcon size={16} /> Add one
                  </Button>
                </>
              )
            }
          >
            Start with the keywords you want to rank for: import a CSV, pick from the library or add them one by one.
            Then auto-cluster them into topics.
          </EmptyState>
        }
      />

      <ImportKeywordsModal
        open={importing}
        onClose={() => setImporting(false)}
        siteId={site.id}
        sectors={ps.sectors}
        defaultSectorId={ps.sector?.id ?? null}
        onImported={(report, sector) => {
          refreshPlanner(queryClient);
          setImporting(false);
          const added = report.created + report.restored;
          toast.success(
            `Imported ${plural(added, 'keyword')} into ${sector.name}` +
              (report.existing ? ` (${formatNumber(report.existing)} already there).` : '.'),
          );
        }}
      />
      <CreateKeywordModal
        open={creating}
        onClose={() => setCreating(false)}
        siteId={site.id}
        sectors={ps.sectors}
        defaultSectorId={ps.sector?.id ?? null}
      />
      <EditKeywordModal keyword={editing} onClose={() => setEditing(null)} />
      <ConfirmDialog
        open={deleting !== null}
        onClose={() => {
          setDeleting(null);
          bulkDelete.reset();
        }}
        onConfirm={() => deleting && bulkDelete.mutate(deleting.rows.map((r) => r.id))}
        title={deleting?.rows.length === 1 ? 'Delete this keyword?' : `Delete ${plural(deleting?.rows.length ?? 0, 'keyword')}?`}
        confirmLabel="Delete"
        pending={bulkDelete.isPending}
        error={bulkDelete.error}
      >
        <p>
          {deleting?.rows.length === 1 ? `“${deleting.rows[0]!.keyword}”` : 'They'} will be removed from the planner and
          from their clusters. Adding {deleting?.rows.length === 1 ? 'it' : 'them'} again later brings{' '}
          {deleting?.rows.length === 1 ? 'it' : 'them'} back.
        </p>
      </ConfirmDialog>
      <ProgressModal
        taskId={running?.id ?? null}
        initialTask={running}
        title="Clustering keywords"
        onClose={() => setRunning(null)}
        onFinished={() => refreshPlanner(queryClient)}
        resultLink={{ to: '/planner/clusters', label: 'View clusters' }}
        summary={clusterSummary}
      />
    </>
  );
}

export default function KeywordsPage() {
  const ps = usePlannerScope();
  return (
    <>
      {(!ps.site || ps.sectors.length === 0) && <PageHeader eyebrow="Planner" title="Keywords" />}
      <ScopeGate scope={ps}>
        <KeywordsBody ps={ps} />
      </ScopeGate>
    </>
  );
}
