import { useEffect, useState } from 'react';
import { useNotifications, useUnreadCount } from '../api/queries';
import { BellIcon, ChevronLeftIcon, ChevronRightIcon } from '../components/icons';
import { NotificationRow } from '../components/notifications';
import { Button, EmptyState, ErrorAlert, LoadingBlock, PageHeader, cx, formatNumber } from '../components/ui';
import { useNotificationActions } from '../lib/notifications';

const PAGE_SIZE = 20;
type Filter = 'all' | 'unread';

export default function Notifications() {
  const [filter, setFilter] = useState<Filter>('all');
  const [page, setPage] = useState(1);
  const list = useNotifications({ page, page_size: PAGE_SIZE, is_read: filter === 'unread' ? false : undefined });
  const unread = useUnreadCount();
  const { markAllRead } = useNotificationActions();
  const count = unread.data?.unread ?? 0;
  const total = list.data?.count ?? 0;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));

  // Deleting (or reading, under "Unread") the last rows of the last page: step back to a page that exists.
  useEffect(() => {
    if (list.data && page > pages) setPage(pages);
  }, [list.data, page, pages]);

  const choose = (next: Filter) => {
    setFilter(next);
    setPage(1);
  };
  const tab = (value: Filter, label: string) => (
    <button
      type="button"
      aria-pressed={filter === value}
      onClick={() => choose(value)}
      className={cx(
        'rounded-md px-3 py-1 text-sm font-medium transition-colors',
        filter === value
          ? 'bg-white text-zinc-900 shadow-sm dark:bg-zinc-700 dark:text-zinc-50'
          : 'text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
      )}
    >
      {label}
    </button>
  );

  const items = list.data?.results ?? [];
  return (
    <div>
      <PageHeader
        title="Notifications"
        description="Finished and failed jobs, automation runs, publishing results, low credits and payments."
        actions={
          <Button onClick={() => markAllRead.mutate()} disabled={count === 0} loading={markAllRead.isPending}>
            Mark all read
          </Button>
        }
      />
      <section className="overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex flex-wrap items-center justify-between gap-3 border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
          <div role="group" aria-label="Show" className="inline-flex rounded-lg bg-zinc-100 p-0.5 dark:bg-zinc-800">
            {tab('all', 'All')}
            {tab('unread', count > 0 ? `Unread (${formatNumber(count)})` : 'Unread')}
          </div>
          {list.data && total > 0 && (
            <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
              {formatNumber(total)} {total === 1 ? 'notification' : 'notifications'}
            </p>
          )}
        </div>
        {list.isLoading ? (
          <LoadingBlock />
        ) : list.isError ? (
          <ErrorAlert error={list.error} className="m-4" />
        ) : items.length === 0 ? (
          <EmptyState icon={<BellIcon size={22} />} title={filter === 'unread' ? 'No unread notifications' : 'No notifications yet'}>
            {filter === 'unread'
              ? "You're all caught up."
              : 'When a job finishes or fails, or your credits run low, it shows up here.'}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Notifications">
            {items.map((n) => (
              <NotificationRow key={n.id} notification={n} />
            ))}
          </ul>
        )}
        {pages > 1 && (
          <div className="flex items-center justify-between gap-3 border-t border-zinc-200 px-4 py-2.5 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            <span>
              Page {page} of {pages}
            </span>
            <div className="flex gap-1.5">
              <Button size="sm" onClick={() => setPage((p) => Math.max(1, p - 1))} disabled={page <= 1} aria-label="Previous page">
                <ChevronLeftIcon size={15} />
              </Button>
              <Button size="sm" onClick={() => setPage((p) => Math.min(pages, p + 1))} disabled={page >= pages} aria-label="Next page">
                <ChevronRightIcon size={15} />
              </Button>
            </div>
          </div>
        )}
      </section>
    </div>
  );
}
