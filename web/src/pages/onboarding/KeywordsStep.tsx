// Onboarding, "Add keywords": the top library keywords of each of the new site's sectors (all preselected, added
// with one request per sector), or a CSV through the planner's import preview. Skippable; what was added is
// reported to the wizard for its summary.
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api';
import { refreshPlanner } from '../../api/planner';
import { useSiteSectors } from '../../api/queries';
import type { ImportReport, Sector, SeedKeyword } from '../../api/types';
import { BookIcon, UploadIcon } from '../../components/icons';
import { Alert, Button, ErrorAlert, LoadingBlock, Spinner, cx, formatNumber } from '../../components/ui';
import { ImportKeywordsModal, RowErrorTable } from '../planner/ImportKeywordsModal';
import { plural } from '../planner/shared';

/** How many library keywords are offered per sector. */
export const TOP_KEYWORDS = 15;

export interface AddedReport {
  sector: Sector;
  report: ImportReport;
  source: 'library' | 'csv';
}

/** Keywords a report put into the sector (new ones and deleted ones brought back). */
export const addedBy = (report: ImportReport) => report.created + report.restored;

const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

function reportLine({ sector, report }: AddedReport): string {
  const parts = [`${plural(report.created, 'new keyword')}`];
  if (report.restored) parts.push(`${formatNumber(report.restored)} restored`);
  parts.push(`${formatNumber(report.existing)} already there`);
  return `${sector.name}: ${parts.join(', ')}`;
}

function Reports({ reports, title }: { reports: AddedReport[]; title: string }) {
  if (reports.length === 0) return null;
  const errors = reports.flatMap((r) => r.report.errors);
  return (
    <div className="space-y-3">
      <Alert tone="success" title={title}>
        <ul data-testid="added-report">
          {reports.map((r, i) => (
            <li key={`${r.sector.id}-${i}`}>{reportLine(r)}</li>
          ))}
        </ul>
      </Alert>
      {errors.length > 0 && <RowErrorTable errors={errors} />}
    </div>
  );
}

function SectorPicker({
  sector,
  rows,
  loading,
  error,
  isSelected,
  onToggle,
  onSetAll,
  disabled,
}: {
  sector: Sector;
  rows: SeedKeyword[] | undefined;
  loading: boolean;
  error: unknown;
  isSelected: (seed: SeedKeyword) => boolean;
  onToggle: (seed: SeedKeyword) => void;
  onSetAll: (on: boolean) => void;
  disabled: boolean;
}) {
  const headingId = useId();
  const selected = rows?.filter(isSelected).length ?? 0;
  const all = rows !== undefined && rows.length > 0 && selected === rows.length;
  return (
    <section
      aria-labelledby={headingId}
      data-testid={`library-sector-${sector.id}`}
      className="rounded-lg border border-zinc-200 dark:border-zinc-800"
    >
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
        <div className="min-w-0">
          <h2 id={headingId} className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
            {sector.name}
          </h2>
          {rows && rows.length > 0 && (
            <p className="text-xs text-zinc-500 dark:text-zinc-400">
              {selected} of {rows.length} selected · top keywords by monthly searches
            </p>
          )}
        </div>
        {rows && rows.length > 0 && (
          <Button size="sm" variant="ghost" onClick={() => onSetAll(!all)} disabled={disabled}>
            {all ? 'Select none' : 'Select all'}
          </Button>
        )}
      </header>
      <div className="px-2 py-2">
        {sector.industry_sector_id == null ? (
          <p className="px-2 py-2 text-sm text-zinc-500 dark:text-zinc-400">A custom sector has no library keywords.</p>
        ) : loading ? (
          <div role="status" className="flex items-center gap-2 px-2 py-3 text-sm text-zinc-500">
            <Spinner size={14} /> Loading keywords…
          </div>
        ) : error ? (
          <ErrorAlert error={error} />
        ) : !rows || rows.length === 0 ? (
          <p className="px-2 py-2 text-sm text-zinc-500 dark:text-zinc-400">The library has no keywords for this sector yet.</p>
        ) : (
          <ul className="grid grid-cols-1 gap-x-4 sm:grid-cols-2">
            {rows.map((seed) => (
              <li key={seed.id}>
                <label
                  className={cx(
                    'flex cursor-pointer items-center gap-2.5 rounded-md px-2 py-1.5 text-sm hover:bg-zinc-50 dark:hover:bg-zinc-800/60',
                    disabled && 'cursor-not-allowed opacity-70',
                  )}
                >
                  <input
                    type="checkbox"
                    className="size-4 shrink-0 rounded border-zinc-300 accent-accent-600 dark:border-zinc-600"
                    checked={isSelected(seed)}
                    onChange={() => onToggle(seed)}
                    disabled={disabled}
                  />
                  <span className="min-w-0 flex-1 truncate text-zinc-800 dark:text-zinc-200" title={seed.keyword}>
                    {seed.keyword}
                  </span>
                  <span className="shrink-0 text-xs text-zinc-500 tabular-nums dark:text-zinc-400" title="Monthly searches">
                    {compact.format(seed.volume)}
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}

function LibraryPanel({
  siteId,
  sectors,
  onAdded,
}: {
  siteId: number;
  sectors: Sector[];
  onAdded: (report: AddedReport) => void;
}) {
  const queryClient = useQueryClient();
  // Everything is preselected; the user's unticked rows are kept per site sector.
  const [unticked, setUnticked] = useState<Set<string>>(() => new Set());
  const [reports, setReports] = useState<AddedReport[]>([]);
  const keyOf = (sector: Sector, seed: SeedKeyword) => `${sector.id}:${seed.id}`;

  const lists = useQueries({
    queries: sectors.map((sector) => ({
      queryKey: ['library', 'top', sector.industry_sector_id ?? 0, TOP_KEYWORDS] as const,
      queryFn: () =>
        api.get('/api/v1/keywords-library', {
          query: { industry_sector_id: sector.industry_sector_id ?? 0, ordering: '-volume', page_size: TOP_KEYWORDS },
        }),
      enabled: sector.industry_sector_id != null,
      staleTime: 10 * 60_000,
    })),
  });

  const picks = sectors
    .map((sector, i) => ({
      sector,
      ids: (lists[i]?.data?.results ?? []).filter((seed) => !unticked.has(keyOf(sector, seed))).map((seed) => seed.id),
    }))
    .filter((p) => p.ids.length > 0);
  const total = picks.reduce((n, p) => n + p.ids.length, 0);

  const add = useMutation({
    mutationFn: async () => {
      setReports([]);
      // One request per sector, in order; a failure stops there and keeps what was already added.
      for (const { sector, ids } of picks) {
        const report = await api.post('/api/v1/planner/keywords/bulk_add_from_seed', {
          body: { seed_keyword_ids: ids, site_id: siteId, sector_id: sector.id },
        });
        const entry: AddedReport = { sector, report, source: 'library' };
        setReports((r) => [...r, entry]);
        onAdded(entry);
      }
    },
    onSettled: () => refreshPlanner(queryClient),
  });

  const toggle = (sector: Sector, seed: SeedKeyword) =>
    setUnticked((prev) => {
      const next = new Set(prev);
      const key = keyOf(sector, seed);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });
  const setAll = (sector: Sector, rows: SeedKeyword[], on: boolean) =>
    setUnticked((prev) => {
      const next = new Set(prev);
      for (const seed of rows) {
        if (on) next.delete(keyOf(sector, seed));
        else next.add(keyOf(sector, seed));
      }
      return next;
    });

  const loading = lists.some((q) => q.isLoading);
  return (
    <div className="space-y-4">
      {sectors.map((sector, i) => {
        const q = lists[i];
        const rows = q?.data?.results;
        return (
          <SectorPicker
            key={sector.id}
            sector={sector}
            rows={rows}
            loading={Boolean(q?.isLoading)}
            error={q?.error}
            isSelected={(seed) => !unticked.has(keyOf(sector, seed))}
            onToggle={(seed) => toggle(sector, seed)}
            onSetAll={(on) => rows && setAll(sector, rows, on)}
            disabled={add.isPending}
          />
        );
      })}
      <ErrorAlert error={add.error} />
      <Reports reports={reports} title="Added from the library" />
      <div className="flex flex-wrap items-center justify-end gap-3">
        {!loading && total === 0 && <span className="text-sm text-zinc-500 dark:text-zinc-400">Nothing selected.</span>}
        <Button variant="primary" onClick={() => add.mutate()} loading={add.isPending} disabled={total === 0} data-testid="add-selected">
          {total > 0 ? `Add ${plural(total, 'selected keyword')}` : 'Add selected'}
        </Button>
      </div>
    </div>
  );
}

function CsvPanel({
  siteId,
  sectors,
  onAdded,
}: {
  siteId: number;
  sectors: Sector[];
  onAdded: (report: AddedReport) => void;
}) {
  const [open, setOpen] = useState(false);
  const [reports, setReports] = useState<AddedReport[]>([]);
  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Your own list: a CSV with a <code>keyword</code> column (<code>volume</code>, <code>difficulty</code>,{' '}
        <code>intent</code> and <code>cpc</code> are optional). Pick the sector, choose the file and check the preview:
        nothing is saved until you import, and rows with problems are listed by line.
      </p>
      <Button onClick={() => setOpen(true)} disabled={sectors.length === 0}>
        <UploadIcon size={16} /> Import a CSV…
      </Button>
      <Reports reports={reports} title="Imported from CSV" />
      <ImportKeywordsModal
        open={open}
        onClose={() => setOpen(false)}
        siteId={siteId}
        sectors={sectors}
        defaultSectorId={sectors[0]?.id ?? null}
        onImported={(report, sector) => {
          const entry: AddedReport = { sector, report, source: 'csv' };
          setReports((r) => [...r, entry]);
          onAdded(entry);
          setOpen(false);
        }}
      />
    </div>
  );
}

const TABS = [
  { key: 'library', label: 'From the library', icon: BookIcon },
  { key: 'csv', label: 'Import a CSV', icon: UploadIcon },
] as const;

export function KeywordsStep({
  siteId,
  added,
  onAdded,
  onBack,
  onContinue,
}: {
  siteId: number;
  /** Keywords added so far in this wizard (shown, and used for the button's wording). */
  added: number;
  onAdded: (report: AddedReport) => void;
  onBack: () => void;
  /** `skipped` when the user leaves without adding anything. */
  onContinue: (skipped: boolean) => void;
}) {
  const sectorsQuery = useSiteSectors(siteId);
  const [tab, setTab] = useState<(typeof TABS)[number]['key']>('library');
  const baseId = useId();
  const sectors = (sectorsQuery.data ?? []).filter((s) => s.is_active);

  return (
    <section
      aria-labelledby="step-kw"
      className="rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-7 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <h1 id="step-kw" className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
        Add keywords
      </h1>
      <p className="mt-1 mb-5 text-sm text-zinc-500 dark:text-zinc-400">
        Keywords are where content planning starts. Take the most searched keywords of your sectors from the library,
        or import your own list. You can also skip this and do it later on <strong>Planner → Keywords</strong>.
      </p>

      {sectorsQuery.isLoading ? (
        <LoadingBlock label="Loading your sectors…" />
      ) : sectorsQuery.isError ? (
        <ErrorAlert error={sectorsQuery.error} />
      ) : sectors.length === 0 ? (
        <Alert tone="info">This site has no sectors yet, so there is nowhere to put keywords. Skip this step for now.</Alert>
      ) : (
        <>
          <div role="tablist" aria-label="How to add keywords" className="mb-4 inline-flex rounded-lg bg-zinc-100 p-1 dark:bg-zinc-800">
            {TABS.map((t) => {
              const Icon = t.icon;
              const active = tab === t.key;
              return (
                <button
                  key={t.key}
                  type="button"
                  role="tab"
                  id={`${baseId}-tab-${t.key}`}
                  aria-selected={active}
                  aria-controls={`${baseId}-panel-${t.key}`}
                  tabIndex={active ? 0 : -1}
                  onClick={() => setTab(t.key)}
                  onKeyDown={(e) => {
                    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                      const next = TABS[(TABS.findIndex((x) => x.key === t.key) + 1) % TABS.length]!;
                      setTab(next.key);
                      document.getElementById(`${baseId}-tab-${next.key}`)?.focus();
                    }
                  }}
                  className={cx(
                    'inline-flex items-center gap-2 rounded-md px-3 py-1.5 text-sm font-medium transition-colors',
                    active
                      ? 'bg-white text-zinc-900 shadow-sm dark:bg-zinc-950 dark:text-zinc-100'
                      : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
                  )}
                >
                  <Icon size={15} />
                  {t.label}
                </button>
              );
            })}
          </div>
          {/* Both panels stay mounted so switching tabs keeps the selection and the reports. */}
          <div role="tabpanel" id={`${baseId}-panel-library`} aria-labelledby={`${baseId}-tab-library`} hidden={tab !== 'library'}>
            <LibraryPanel siteId={siteId} sectors={sectors} onAdded={onAdded} />
          </div>
          <div role="tabpanel" id={`${baseId}-panel-csv`} aria-labelledby={`${baseId}-tab-csv`} hidden={tab !== 'csv'}>
            <CsvPanel siteId={siteId} sectors={sectors} onAdded={onAdded} />
          </div>
        </>
      )}

      <div className="mt-6 flex flex-wrap items-center justify-between gap-2 border-t border-zinc-100 pt-5 dark:border-zinc-800">
        <Button onClick={onBack}>Back</Button>
        <div className="flex items-center gap-3">
          {added > 0 && (
            <span className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="added-so-far">
              {plural(added, 'keyword')} added
            </span>
          )}
          <Button variant="primary" onClick={() => onContinue(added === 0)}>
            {added > 0 ? 'Continue' : 'Skip for now'}
          </Button>
        </div>
      </div>
    </section>
  );
}
