// A server-side table: the API pages, sorts (`ordering`), searches (`search`) and filters (any other query
// parameter); this component keeps the state, asks for one page at a time and shows loading, error and empty
// states. Optional: row selection with bulk actions, row actions, and a column chooser remembered per table.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { Page } from '../api/client';
import { ChevronLeftIcon, ChevronRightIcon, SearchIcon, SortIcon } from './icons';
import { Button, ErrorAlert, Input, Select, cx } from './ui';

export interface Column<T> {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** The API's `ordering` field for this column; sortable when set. */
  sortKey?: string;
  className?: string;
  /** Hide below this breakpoint to keep phones readable. */
  hideBelow?: 'sm' | 'md' | 'lg' | 'xl';
  /** Its name in the column chooser (defaults to `header` when that is text). */
  label?: string;
  /** With a column chooser: false keeps the column always shown. */
  hideable?: boolean;
  /** With a column chooser: hidden until the user shows it. */
  defaultHidden?: boolean;
}

export interface TableQuery {
  page: number;
  page_size: number;
  ordering?: string;
  search?: string;
}

export interface DataTableProps<T> {
  /** Caches per resource: the table appends its own parameters. */
  queryKey: readonly unknown[];
  fetchPage: (query: TableQuery) => Promise<Page<T>>;
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  label: string;
  initialOrdering?: string;
  pageSizes?: number[];
  initialPageSize?: number;
  searchPlaceholder?: string;
  searchable?: boolean;
  /** Shown when there are no rows at all (no search active). */
  empty?: ReactNode;
  toolbar?: ReactNode;
  /** Milliseconds to wait after typing before searching. */
  searchDelay?: number;
  /**
   * The user's filters, sent with every page (empty values are left out). A change starts again at page 1 and
   * clears the selection; with no rows, the table offers to clear them.
   */
  filters?: Record<string, string | number | boolean | null | undefined>;
  /** Fixed parameters (the site and sector the page works on): sent and reset like filters, never "cleared". */
  params?: Record<string, string | number | boolean | null | undefined>;
  /** Controls for the filters, shown under the search bar. */
  filterBar?: ReactNode;
  /** Offered when filters leave no rows. */
  onClearFilters?: () => void;
  /** Checkboxes on the rows; `bulkActions` gets the chosen rows (kept across pages, cleared by a new search). */
  selectable?: boolean;
  bulkActions?: (selected: T[], clear: () => void) => ReactNode;
  /** Buttons at the end of each row. */
  rowActions?: (row: T) => ReactNode;
  /** A "Columns" menu; the choice is remembered under this key. */
  columnChooserKey?: string;
  /** Told the current page, sort, search and filters (e.g. for an export of the same rows). */
  onQueryChange?: (query: TableQuery & Record<string, unknown>) => void;
}

function withValues(values: Record<string, string | number | boolean | null | undefined> | undefined) {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value !== undefined && value !== null && value !== '') out[key] = value;
  }
  return out;
}

/** Which columns the user hid, remembered per table in localStorage. */
function useHiddenColumns<T>(storageKey: string | undefined, columns: Column<T>[]) {
  const defaults = useMemo(() => columns.filter((c) => c.defaultHidden).map((c) => c.key), [columns]);
  const [hidden, setHidden] = useState<string[]>(() => {
    if (!storageKey) return [];
    try {
      const raw = localStorage.getItem(`igny8.columns.${storageKey}`);
      const parsed = raw ? (JSON.parse(raw) as unknown) : null;
      if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) return parsed as string[];
    } catch {
      // a broken entry falls back to the defaults
    }
    return defaults;
  });
  const toggle = (key: string) => {
    setHidden((current) => {
      const next = current.includes(key) ? current.filter((k) => k !== key) : [...current, key];
      if (storageKey) localStorage.setItem(`igny8.columns.${storageKey}`, JSON.stringify(next));
      return next;
    });
  };
  return { hidden: storageKey ? hidden : [], toggle };
}

function columnLabel<T>(col: Column<T>): string {
  return col.label ?? (typeof col.header === 'string' ? col.header : col.key);
}

function ColumnChooser<T>({
  columns,
  hidden,
  onToggle,
}: {
  columns: Column<T>[];
  hidden: string[];
  onToggle: (key: string) => void;
}) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const choosable = columns.filter((c) => c.hideable !== false);
  return (
    <div ref={root} className="relative">
      <Button size="sm" variant="secondary" aria-expanded={open} aria-controls={open ? menuId : undefined} onClick={() => setOpen((o) => !o)}>
        Columns
      </Button>
      {open && (
        <div
          id={menuId}
          role="group"
          aria-label="Shown columns"
          className="absolute right-0 z-30 mt-1.5 w-52 rounded-lg border border-zinc-200 bg-white p-1.5 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          {choosable.map((col) => (
            <label
              key={col.key}
              className="flex cursor-pointer items-center gap-2.5 rounded-md px-2 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
            >
              <input
                type="checkbox"
                className="size-4 accent-accent-600"
                checked={!hidden.includes(col.key)}
                onChange={() => onToggle(col.key)}
              />
              {columnLabel(col)}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}

/** A header checkbox that can show "some rows chosen". */
function SelectAll({ checked, indeterminate, onChange, disabled }: { checked: boolean; indeterminate: boolean; onChange: () => void; disabled: boolean }) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = indeterminate;
  }, [indeterminate]);
  return (
    <input
      ref={ref}
      type="checkbox"
      aria-label="Select all rows on this page"
      className="size-4 align-middle accent-accent-600"
      checked={checked}
      disabled={disabled}
      onChange={onChange}
    />
  );
}

const hideClass = { sm: 'hidden sm:table-cell', md: 'hidden md:table-cell', lg: 'hidden lg:table-cell', xl: 'hidden xl:table-cell' };

/** `name` → `-name` → default; a different column starts ascending. */
export function nextOrdering(current: string | undefined, sortKey: string, fallback: string | undefined): string | undefined {
  if (current === sortKey) return `-${sortKey}`;
  if (current === `-${sortKey}`) return fallback === sortKey || fallback === `-${sortKey}` ? sortKey : fallback;
  return sortKey;
}

export function DataTable<T>({
  queryKey,
  fetchPage,
  columns,
  rowKey,
  label,
  initialOrdering,
  pageSizes = [10, 25, 50, 100],
  initialPageSize = 25,
  searchPlaceholder = 'Search…',
  searchable = true,
  empty,
  toolbar,
  searchDelay = 300,
  filters,
  params: fixedParams,
  filterBar,
  onClearFilters,
  selectable = false,
  bulkActions,
  rowActions,
  columnChooserKey,
  onQueryChange,
}: DataTableProps<T>) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [ordering, setOrdering] = useState<string | undefined>(initialOrdering);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState<Map<string | number, T>>(() => new Map());
  const searchId = useId();
  const { hidden, toggle } = useHiddenColumns(columnChooserKey, columns);
  const shown = columns.filter((c) => !hidden.includes(c.key));

  // Only parameters with a value count; a change of them starts again at page 1 with nothing selected.
  const activeFilters = useMemo(() => withValues(filters), [filters]);
  const activeParams = useMemo(() => withValues(fixedParams), [fixedParams]);
  const filterSignature = JSON.stringify([activeParams, activeFilters]);
  const firstSignature = useRef(filterSignature);
  useEffect(() => {
    if (firstSignature.current === filterSignature) return;
    firstSignature.current = filterSignature;
    setPage(1);
    setSelected(new Map());
  }, [filterSignature]);

  // Apply the typed search after a pause; a new search, sort or page size starts again at page 1.
  useEffect(() => {
    const wanted = searchText.trim();
    if (wanted === search) return;
    const timer = setTimeout(() => {
      setSearch(wanted);
      setPage(1);
      setSelected(new Map());
    }, searchDelay);
    return () => clearTimeout(timer);
  }, [searchText, search, searchDelay]);

  const params: TableQuery = { ...activeParams, ...activeFilters, page, page_size: pageSize, ordering, search: search || undefined };
  const paramsSignature = JSON.stringify(params);
  const reportQuery = useRef(onQueryChange);
  reportQuery.current = onQueryChange;
  useEffect(() => {
    reportQuery.current?.(JSON.parse(paramsSignature) as TableQuery & Record<string, unknown>);
  }, [paramsSignature]);
  const query = useQuery({
    queryKey: [...queryKey, 'table', params],
    // Remember which page an answer is for: while the next page loads, the footer describes the rows shown.
    queryFn: async () => ({ ...(await fetchPage(params)), shownPage: params.page, shownPageSize: params.page_size }),
    placeholderData: keepPreviousData,
  });

  const count = query.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(count / pageSize));
  // After deletions the current page may be past the end.
  useEffect(() => {
    if (query.data && !query.isPlaceholderData && page > pages) setPage(pages);
  }, [query.data, query.isPlaceholderData, page, pages]);

  const rows = query.data?.results ?? [];
  const shownPage = query.data?.shownPage ?? page;
  const shownSize = query.data?.shownPageSize ?? pageSize;
  const first = count === 0 ? 0 : (shownPage - 1) * shownSize + 1;
  const last = Math.min(count, shownPage * shownSize);

  const withSelection = selectable && !query.isError;
  const pageKeys = rows.map(rowKey);
  const pageChosen = pageKeys.filter((k) => selected.has(k)).length;
  const toggleRow = (row: T) =>
    setSelected((current) => {
      const next = new Map(current);
      const key = rowKey(row);
      if (next.has(key)) next.delete(key);
      else next.set(key, row);
      return next;
    });
  const togglePage = () =>
    setSelected((current) => {
      const next = new Map(current);
      if (pageChosen === rows.length) for (const k of pageKeys) next.delete(k);
      else for (const row of rows) next.set(rowKey(row), row);
      return next;
    });
  const clearSelection = () => setSelected(new Map());
  const selectedRows = [...selected.values()];
  const filtered = Object.keys(activeFilters).length > 0;

  return (
    <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
      {(searchable || toolbar) && (
        <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
          {searchable && (
            <div className="relative min-w-40 flex-1 sm:max-w-xs">
              <label htmlFor={searchId} className="sr-only">
                Search {label.toLowerCase()}
              </label>
              <SearchIcon
                size={16}
                className="pointer-events-none absolute top-1/2 left-2.5 -translate-y-1/2 text-zinc-400"
              />
              <Input
                id={searchId}
                type="search"
                value={searchText}
                onChange={(e) => setSearchText(e.target.value)}
                placeholder={searchPlaceholder}
                className="h-8 pl-8"
              />
            </div>
          )}
          <div className="ml-auto flex flex-wrap items-center justify-end gap-2">
            {query.isFetching && !query.isLoading && (
              <span className="text-xs text-zinc-400" role="status">
                Updating…
              </span>
            )}
            {toolbar}
            {columnChooserKey && <ColumnChooser columns={columns} hidden={hidden} onToggle={toggle} />}
          </div>
        </div>
      )}
      {filterBar && (
        <div className="flex flex-wrap items-end gap-2 border-b border-zinc-200 bg-zinc-50/60 px-3 py-2.5 dark:border-zinc-800 dark:bg-zinc-900/40">
          {filterBar}
        </div>
      )}
      {withSelection && selected.size > 0 && (
        <div
          className="flex flex-wrap items-center gap-2 border-b border-accent-200 bg-accent-50 px-3 py-2 text-[13px] dark:border-accent-500/30 dark:bg-accent-500/10"
          role="region"
          aria-label="Bulk actions"
        >
          <span className="font-medium text-accent-800 dark:text-accent-200" data-testid="selected-count">
            {selected.size} selected
          </span>
          <button
            type="button"
            className="text-accent-700 underline-offset-2 hover:underline dark:text-accent-300"
            onClick={clearSelection}
          >
            Clear
          </button>
          <div className="ml-auto flex flex-wrap items-center gap-2">{bulkActions?.(selectedRows, clearSelection)}</div>
        </div>
      )}

      {query.isError && (
        <div className="p-3">
          <ErrorAlert error={query.error} />
          <Button size="sm" className="mt-2" onClick={() => void query.refetch()}>
            Try again
          </Button>
        </div>
      )}

      {/* relative: the scroll box contains the table's absolutely placed screen-reader labels. */}
      <div className="relative overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label={label} aria-busy={query.isFetching || undefined}>
          <thead className="bg-zinc-50 text-xs font-medium text-zinc-500 dark:bg-zinc-900/60 dark:text-zinc-400">
            <tr>
              {withSelection && (
                <th scope="col" className="w-10 border-b border-zinc-200 py-2.5 pr-0 pl-4 dark:border-zinc-800">
                  <SelectAll
                    checked={rows.length > 0 && pageChosen === rows.length}
                    indeterminate={pageChosen > 0 && pageChosen < rows.length}
                    disabled={rows.length === 0}
                    onChange={togglePage}
                  />
                </th>
              )}
              {shown.map((col) => {
                const direction: 'asc' | 'desc' | null = !col.sortKey
                  ? null
                  : ordering === col.sortKey
                    ? 'asc'
                    : ordering === `-${col.sortKey}`
                      ? 'desc'
                      : null;
                return (
                  <th
                    key={col.key}
                    scope="col"
                    aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}
                    className={cx(
                      'border-b border-zinc-200 px-4 py-2.5 whitespace-nowrap dark:border-zinc-800',
                      col.hideBelow && hideClass[col.hideBelow],
                      col.className,
                    )}
                  >
                    {col.sortKey ? (
                      <button
                        type="button"
                        className="-mx-1 inline-flex items-center gap-1 rounded px-1 hover:text-zinc-900 dark:hover:text-zinc-100"
                        onClick={() => {
                          setOrdering(nextOrdering(ordering, col.sortKey!, initialOrdering));
                          setPage(1);
                        }}
                      >
                        {col.header}
                        <SortIcon size={14} sort={direction} />
                      </button>
                    ) : (
                      col.header
                    )}
                  </th>
                );
              })}
              {rowActions && (
                <th scope="col" className="border-b border-zinc-200 px-4 py-2.5 text-right dark:border-zinc-800">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody
            className={cx(
              'divide-y divide-zinc-100 transition-opacity dark:divide-zinc-800',
              query.isPlaceholderData && 'opacity-60',
            )}
          >
            {query.isLoading &&
              Array.from({ length: 3 }, (_, i) => (
                <tr key={`skeleton-${i}`} aria-hidden="true">
                  {withSelection && <td className="py-3 pr-0 pl-4" />}
                  {shown.map((col) => (
                    <td key={col.key} className={cx('px-4 py-3', col.hideBelow && hideClass[col.hideBelow])}>
                      <div className="h-4 w-3/4 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                    </td>
                  ))}
                  {rowActions && <td />}
                </tr>
              ))}
            {rows.map((row) => (
              <tr
                key={rowKey(row)}
                className={cx(
                  'hover:bg-zinc-50/70 dark:hover:bg-zinc-800/40',
                  withSelection && selected.has(rowKey(row)) && 'bg-accent-50/60 dark:bg-accent-500/5',
                )}
                aria-selected={withSelection ? selected.has(rowKey(row)) : undefined}
              >
                {withSelection && (
                  <td className="w-10 py-3 pr-0 pl-4 align-middle">
                    <input
                      type="checkbox"
                      className="size-4 align-middle accent-accent-600"
                      aria-label={`Select row ${rowKey(row)}`}
                      checked={selected.has(rowKey(row))}
                      onChange={() => toggleRow(row)}
                    />
                  </td>
                )}
                {shown.map((col) => (
                  <td
                    key={col.key}
                    className={cx(
                      'px-4 py-3 align-middle text-zinc-700 dark:text-zinc-300',
                      col.hideBelow && hideClass[col.hideBelow],
                      col.className,
                    )}
                  >
                    {col.cell(row)}
                  </td>
                ))}
                {rowActions && (
                  <td className="px-3 py-2 text-right align-middle whitespace-nowrap">
                    <div className="inline-flex items-center gap-1">{rowActions(row)}</div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        {!query.isLoading && !query.isError && rows.length === 0 && (
          <div className="border-t border-zinc-100 dark:border-zinc-800">
            {search || filtered ? (
              <div className="px-6 py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">
                {search ? <>No results for “{search}”{filtered ? ' with these filters' : ''}.</> : 'Nothing matches these filters.'}{' '}
                <button
                  type="button"
                  className="font-medium text-accent-600 hover:underline dark:text-accent-400"
                  onClick={() => {
                    if (search) {
                      setSearchText('');
                      setSearch('');
                      setPage(1);
                    } else {
                      onClearFilters?.();
                    }
                  }}
                  hidden={!search && !onClearFilters}
                >
                  {search ? 'Clear search' : 'Clear filters'}
                </button>
              </div>
            ) : (
              (empty ?? <div className="px-6 py-10 text-center text-sm text-zinc-500">Nothing here yet.</div>)
            )}
          </div>
        )}
      </div>

      {count > 0 && (
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2.5 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <p aria-live="polite">
            {first}–{last} of {count}
          </p>
          <div className="flex items-center gap-3">
            <label className="hidden items-center gap-2 sm:flex">
              <span>Rows</span>
              <Select
                value={pageSize}
                onChange={(e) => {
                  setPageSize(Number(e.target.value));
                  setPage(1);
                }}
                className="h-8 w-auto py-0 text-[13px]"
                aria-label="Rows per page"
              >
                {pageSizes.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </Select>
            </label>
            <span>
              Page {shownPage} of {Math.max(1, Math.ceil(count / shownSize))}
            </span>
            <div className="flex gap-1">
              <Button
                size="sm"
                variant="secondary"
                aria-label="Previous page"
                disabled={page <= 1 || query.isFetching}
                onClick={() => setPage((p) => Math.max(1, p - 1))}
              >
                <ChevronLeftIcon size={14} />
              </Button>
              <Button
                size="sm"
                variant="secondary"
                aria-label="Next page"
                disabled={page >= pages || query.isFetching}
                onClick={() => setPage((p) => Math.min(pages, p + 1))}
              >
                <ChevronRightIcon size={14} />
              </Button>
            </div>
          </div>
        </div>
      )}
    </div>
  );
}
