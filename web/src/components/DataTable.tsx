// A server-side table: the API pages, sorts (`ordering`) and searches (`search`); this component keeps the
// state, asks for one page at a time and shows loading, error and empty states.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useId, useState, type ReactNode } from 'react';
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
  hideBelow?: 'sm' | 'md' | 'lg';
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
}

const hideClass = { sm: 'hidden sm:table-cell', md: 'hidden md:table-cell', lg: 'hidden lg:table-cell' };

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
}: DataTableProps<T>) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [ordering, setOrdering] = useState<string | undefined>(initialOrdering);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const searchId = useId();

  // Apply the typed search after a pause; a new search, sort or page size starts again at page 1.
  useEffect(() => {
    const wanted = searchText.trim();
    if (wanted === search) return;
    const timer = setTimeout(() => {
      setSearch(wanted);
      setPage(1);
    }, searchDelay);
    return () => clearTimeout(timer);
  }, [searchText, search, searchDelay]);

  const params: TableQuery = { page, page_size: pageSize, ordering, search: search || undefined };
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

  return (
    <div className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
      {(searchable || toolbar) && (
        <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-3 py-2.5 dark:border-zinc-800">
          {searchable && (
            <div className="relative min-w-0 flex-1 sm:max-w-xs">
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
          <div className="ml-auto flex items-center gap-2">
            {query.isFetching && !query.isLoading && (
              <span className="text-xs text-zinc-400" role="status">
                Updating…
              </span>
            )}
            {toolbar}
          </div>
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

      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm" aria-label={label} aria-busy={query.isFetching || undefined}>
          <thead className="bg-zinc-50 text-xs font-medium text-zinc-500 dark:bg-zinc-900/60 dark:text-zinc-400">
            <tr>
              {columns.map((col) => {
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
                  {columns.map((col) => (
                    <td key={col.key} className={cx('px-4 py-3', col.hideBelow && hideClass[col.hideBelow])}>
                      <div className="h-4 w-3/4 animate-pulse rounded bg-zinc-100 dark:bg-zinc-800" />
                    </td>
                  ))}
                </tr>
              ))}
            {rows.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-zinc-50/70 dark:hover:bg-zinc-800/40">
                {columns.map((col) => (
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
              </tr>
            ))}
          </tbody>
        </table>
        {!query.isLoading && !query.isError && rows.length === 0 && (
          <div className="border-t border-zinc-100 dark:border-zinc-800">
            {search ? (
              <div className="px-6 py-10 text-center text-sm text-zinc-500 dark:text-zinc-400">
                No results for “{search}”.{' '}
                <button
                  type="button"
                  className="font-medium text-accent-600 hover:underline dark:text-accent-400"
                  onClick={() => {
                    setSearchText('');
                    setSearch('');
                    setPage(1);
                  }}
                >
                  Clear search
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
