// Keyword Library: the platform's seed keywords for the site's sectors (each site sector comes from an
// industry sector template). Search, filter and sort; select rows and add them to the site's sector.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { plannerKeys, refreshPlanner, useLibraryFilterOptions, useSectorStats } from '../../api/planner';
import type { ImportReport, Sector, SeedKeyword } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { BookIcon, CheckIcon, PlusIcon } from '../../components/icons';
import { Alert, Badge, Button, ButtonLink, Card, EmptyState, Input, PageHeader, Select, cx, formatNumber } from '../../components/ui';
import { useDebounced } from '../../lib/useDebounced';
import { toast } from '../../stores/toast';
import { useUiStore } from '../../stores/ui';
import { IntentBadge, ScopeGate, VIEWER_HINT, plural, useCanEdit, usePlannerScope, type PlannerScope } from '../planner/shared';

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/** Adds seed keywords to the site sector each one's industry sector maps to; one request per sector. */
export async function addSeedsToSectors(
  siteId: number,
  rows: SeedKeyword[],
  sectors: Sector[],
): Promise<{ report: Omit<ImportReport, 'errors' | 'dry_run'>; sectors: string[]; skipped: number }> {
  const bySector = new Map<number, { sector: Sector; ids: number[] }>();
  let skipped = 0;
  for (const row of rows) {
    const sector = sectors.find((s) => s.industry_sector_id === row.industry_sector_id);
    if (!sector) {
      skipped += 1;
      continue;
    }
    const entry = bySector.get(sector.id) ?? { sector, ids: [] };
    entry.ids.push(row.id);
    bySector.set(sector.id, entry);
  }
  const total = { total_rows: 0, created: 0, restored: 0, existing: 0, duplicates: 0, intents_inferred: 0 };
  const names: string[] = [];
  for (const { sector, ids } of bySector.values()) {
    const r = await api.post('/api/v1/planner/keywords/bulk_add_from_seed', {
      body: { seed_keyword_ids: ids, site_id: siteId, sector_id: sector.id },
    });
    total.total_rows += r.total_rows;
    total.created += r.created;
    total.restored += r.restored;
    total.existing += r.existing;
    total.duplicates += r.duplicates;
    names.push(sector.name);
  }
  return { report: total, sectors: names, skipped };
}

export function addSummary(result: Awaited<ReturnType<typeof addSeedsToSectors>>): string {
  const { report, sectors } = result;
  const added = report.created + report.restored;
  const where = sectors.length === 1 ? sectors[0] : `${sectors.length} sectors`;
  const parts = [`Added ${plural(added, 'keyword')} to ${where}`];
  if (report.existing) parts.push(`${formatNumber(report.existing)} already there`);
  if (result.skipped) parts.push(`${formatNumber(result.skipped)} not in this site's sectors`);
  return `${parts.join('; ')}.`;
}

function SectorTabs({ ps }: { ps: PlannerScope }) {
  const stats = useSectorStats(ps.site?.industry_id ?? null);
  const setSectorFor = useUiStore((s) => s.setSectorFor);
  const statFor = (s: Sector) => stats.data?.find((x) => x.industry_sector_id === s.industry_sector_id);
  const tab = (active: boolean) =>
    cx(
      'flex min-w-36 flex-col items-start rounded-lg border px-3 py-2 text-left text-sm transition-colors',
      active
        ? 'border-accent-500 bg-accent-50 text-accent-900 dark:border-accent-400 dark:bg-accent-500/10 dark:text-accent-100'
        : 'border-zinc-200 bg-white text-zinc-700 hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:border-zinc-700',
    );
  const totalKeywords = ps.sectors.reduce((n, s) => n + (statFor(s)?.keywords ?? 0), 0);
  return (
    <div className="mb-4 flex gap-2 overflow-x-auto pb-1" role="group" aria-label="Library sectors">
      <button type="button" className={tab(ps.sector === null)} aria-pressed={ps.sector === null} onClick={() => ps.site && setSectorFor(ps.site.id, null)}>
        <span className="font-medium">All sectors</span>
        <span className="text-xs opacity-70">{stats.data ? `${formatNumber(totalKeywords)} keywords` : ' '}</span>
      </button>
      {ps.sectors.map((s) => {
        const st = statFor(s);
        return (
          <button
            key={s.id}
            type="button"
            className={tab(ps.sector?.id === s.id)}
            aria-pressed={ps.sector?.id === s.id}
            onClick={() => ps.site && setSectorFor(ps.site.id, s.id)}
          >
            <span className="font-medium whitespace-nowrap">{s.name}</span>
            <span className="text-xs whitespace-nowrap opacity-70">
              {s.industry_sector_id == null
                ? 'Custom sector'
                : st
                  ? `${formatNumber(st.keywords)} keywords · ${compact.format(st.total_volume)} searches`
                  : ' '}
            </span>
          </button>
        );
      })}
    </div>
  );
}

function LibraryBody({ ps }: { ps: PlannerScope }) {
  const queryClient = useQueryClient();
  const { canEdit } = useCanEdit();
  const site = ps.site!;
  const options = useLibraryFilterOptions();
  const [intent, setIntent] = useState('');
  const [volumeMin, setVolumeMin] = useState('');
  const [difficultyMax, setDifficultyMax] = useState('');
  const numbers = useDebounced({ volumeMin, difficultyMax }, 400);

  const templateIds = ps.sectors.map((s) => s.industry_sector_id).filter((x): x is number => x != null);
  const custom = ps.sector !== null && ps.sector.industry_sector_id == null;
  // site_id: each row then says whether the site already has it (in_site).
  const sectorFilter = ps.sector
    ? { industry_sector_id: ps.sector.industry_sector_id ?? undefined, site_id: site.id }
    : { sector_ids: templateIds.join(','), site_id: site.id };

  const filters = useMemo(
    () => ({
      intent: intent || undefined,
      volume_min: /^\d+$/.test(numbers.volumeMin.trim()) ? Number(numbers.volumeMin.trim()) : undefined,
      difficulty_max: /^\d+$/.test(numbers.difficultyMax.trim()) ? Number(numbers.difficultyMax.trim()) : undefined,
    }),
    [intent, numbers.volumeMin, numbers.difficultyMax],
  );

  const add = useMutation({
    mutationFn: ({ rows }: { rows: SeedKeyword[]; done: () => void }) => addSeedsToSectors(site.id, rows, ps.sectors),
    onSuccess: (result, { done }) => {
      refreshPlanner(queryClient);
      toast.success(addSummary(result));
      done();
    },
    onError: (error) => toast.error(error instanceof Error ? error.message : 'Could not add the keywords.'),
  });

  const columns: Column<SeedKeyword>[] = [
    {
      key: 'keyword',
      header: 'Keyword',
      sortKey: 'keyword',
      hideable: false,
      cell: (k) => (
        <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
          <span className="font-medium text-zinc-900 dark:text-zinc-100">{k.keyword}</span>
          {k.in_site && (
            <Badge tone="success">
              <CheckIcon size={12} /> In your keywords
            </Badge>
          )}
        </span>
      ),
    },
    ...(ps.sector
      ? []
      : [
          {
            key: 'sector',
            header: 'Sector',
            hideBelow: 'md' as const,
            cell: (k: SeedKeyword) => ps.sectors.find((s) => s.industry_sector_id === k.industry_sector_id)?.name ?? '—',
          },
        ]),
    { key: 'volume', header: 'Volume', sortKey: 'volume', className: 'text-right tabular-nums', cell: (k) => formatNumber(k.volume) },
    { key: 'difficulty', header: 'Difficulty', sortKey: 'difficulty', hideBelow: 'sm', className: 'text-right tabular-nums', cell: (k) => k.difficulty },
    { key: 'intent', header: 'Intent', hideBelow: 'sm', cell: (k) => <IntentBadge intent={k.intent} /> },
    { key: 'country', header: 'Country', hideBelow: 'lg', defaultHidden: true, cell: (k) => k.country },
  ];

  const target = ps.sector ? ps.sector.name : 'their sectors';
  const intents = options.data?.intent ?? [];

  if (templateIds.length === 0 || custom) {
    return (
      <Card>
        <EmptyState icon={<BookIcon size={22} />} title="No library for this sector" action={<ButtonLink to={`/settings/sites/${site.id}`}>Site settings</ButtonLink>}>
          The library has keywords for the industry's sectors. {custom ? `“${ps.sector!.name}” is a custom sector.` : 'This site has only custom sectors.'} Import
          a CSV on the Keywords page instead, or choose catalogue sectors for the site.
        </EmptyState>
      </Card>
    );
  }

  return (
    <DataTable<SeedKeyword>
      label="Library keywords"
      queryKey={plannerKeys.library}
      fetchPage={(q) => api.get('/api/v1/keywords-library', { query: q })}
      columns={columns}
      rowKey={(k) => k.id}
      initialOrdering="-volume"
      searchPlaceholder="Search the library"
      params={sectorFilter}
      filters={filters}
      onClearFilters={() => {
        setIntent('');
        setVolumeMin('');
        setDifficultyMax('');
      }}
      columnChooserKey="keyword-library"
      selectable={canEdit}
      toolbar={
        <>
          <Select aria-label="Intent" value={intent} onChange={(e) => setIntent(e.target.value)} className="h-8 w-auto py-0 text-[13px] capitalize">
            <option value="">Any intent</option>
            {intents.map((i) => (
              <option key={i} value={i}>
                {i}
              </option>
            ))}
          </Select>
          <Input aria-label="Minimum volume" inputMode="numeric" placeholder="Min volume" value={volumeMin} onChange={(e) => setVolumeMin(e.target.value)} className="h-8 w-28 text-[13px]" />
          <Input aria-label="Maximum difficulty" inputMode="numeric" placeholder="Max difficulty" value={difficultyMax} onChange={(e) => setDifficultyMax(e.target.value)} className="h-8 w-28 text-[13px]" />
        </>
      }
      bulkActions={(rows, clear) => (
        <Button size="sm" variant="primary" loading={add.isPending} onClick={() => add.mutate({ rows, done: clear })}>
          <PlusIcon size={14} /> Add to {target}
        </Button>
      )}
      empty={<EmptyState icon={<BookIcon size={22} />} title="No library keywords here" />}
    />
  );
}

export default function KeywordLibrary() {
  const ps = usePlannerScope();
  const { canEdit, known } = useCanEdit();
  return (
    <>
      <PageHeader
        eyebrow="Library"
        title="Keyword Library"
        description={
          ps.site
            ? `Seed keywords with search volume and difficulty for the sectors of ${ps.site.name}. Select keywords and add them to your planner.`
            : 'Seed keywords with search volume and difficulty, by industry sector.'
        }
        actions={ps.site && <ButtonLink to="/planner/keywords">Your keywords</ButtonLink>}
      />
      <ScopeGate scope={ps}>
        <SectorTabs ps={ps} />
        {known && !canEdit && (
          <Alert className="mb-4">{VIEWER_HINT}</Alert>
        )}
        <LibraryBody ps={ps} />
      </ScopeGate>
    </>
  );
}
