// The header bell (unread badge + dropdown of the latest 10) and the notification row shared with the page.
import { useEffect, useId, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useNotifications, useUnreadCount } from '../api/queries';
import type { Notification } from '../api/types';
import { safeRoute, useNotificationActions } from '../lib/notifications';
import { formatDateTime, formatRelativeTime } from '../lib/time';
import { AlertIcon, BellIcon, CheckCircleIcon, CheckIcon, InfoIcon, TrashIcon, XCircleIcon } from './icons';
import { ErrorAlert, Spinner, cx } from './ui';

const SEVERITY: Record<string, { icon: typeof InfoIcon; className: string; label: string }> = {
  success: { icon: CheckCircleIcon, className: 'text-emerald-600 dark:text-emerald-400', label: 'Success' },
  error: { icon: XCircleIcon, className: 'text-red-600 dark:text-red-400', label: 'Error' },
  warning: { icon: AlertIcon, className: 'text-amber-500 dark:text-amber-400', label: 'Warning' },
  info: { icon: InfoIcon, className: 'text-sky-600 dark:text-sky-400', label: 'Information' },
};

export function SeverityIcon({ severity, size = 18 }: { severity: string; size?: number }) {
  const s = SEVERITY[severity] ?? SEVERITY.info!;
  return (
    <span className={cx('mt-px shrink-0', s.className)} title={s.label}>
      <s.icon size={size} />
      <span className="sr-only">{s.label}:</span>
    </span>
  );
}

const iconButton =
  'inline-flex size-7 items-center justify-center rounded-md text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200';

export function NotificationRow({
  notification: n,
  onNavigate,
  compact = false,
}: {
  notification: Notification;
  /** Called when the action link is followed (the dropdown closes). */
  onNavigate?: () => void;
  compact?: boolean;
}) {
  const { markRead, remove } = useNotificationActions();
  const route = safeRoute(n.action_route);
  const read = () => {
    if (!n.is_read) markRead.mutate(n);
  };
  return (
    <li
      className={cx(
        'group relative flex gap-3 px-3.5 py-3',
        !n.is_read && 'bg-accent-50/60 dark:bg-accent-500/[0.07]',
      )}
      data-testid="notification-item"
      data-read={n.is_read ? 'true' : 'false'}
    >
      <SeverityIcon severity={n.severity} />
      {/* Clicking the text marks it read; the buttons on the right do the same for keyboards. */}
      <div className="min-w-0 flex-1 cursor-default" onClick={read}>
        <p
          className={cx(
            'text-sm text-zinc-900 dark:text-zinc-100',
            n.is_read ? 'font-normal' : 'font-semibold',
          )}
        >
          {n.title}
        </p>
        {n.message && (
          <p className={cx('mt-0.5 text-[13px] text-zinc-600 dark:text-zinc-400', compact && 'line-clamp-2')}>
            {n.message}
          </p>
        )}
        <p className="mt-1 flex flex-wrap items-center gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
          <time dateTime={n.created_at} title={formatDateTime(n.created_at)}>
            {formatRelativeTime(n.created_at)}
          </time>
          {route && (
            <>
              <span aria-hidden="true">·</span>
              <Link
                to={route}
                onClick={() => {
                  read();
                  onNavigate?.();
                }}
                className="font-medium text-accent-600 hover:underline dark:text-accent-400"
              >
                {n.action_label || 'Open'}
              </Link>
            </>
          )}
        </p>
      </div>
      <div className="flex shrink-0 items-start gap-0.5">
        {!n.is_read && (
          <button type="button" className={iconButton} onClick={read} aria-label={`Mark "${n.title}" read`} title="Mark read">
            <CheckIcon size={15} />
          </button>
        )}
        <button
          type="button"
          className={cx(iconButton, 'hover:text-red-600 dark:hover:text-red-400')}
          onClick={() => remove.mutate(n)}
          disabled={remove.isPending}
          aria-label={`Delete "${n.title}"`}
          title="Delete"
        >
          <TrashIcon size={15} />
        </button>
      </div>
      {!n.is_read && (
        <span className="absolute top-4 left-1 size-1.5 rounded-full bg-accent-600 dark:bg-accent-400" aria-hidden="true" />
      )}
    </li>
  );
}

export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const unread = useUnreadCount();
  const list = useNotifications({ page_size: 10 }, { enabled: open });
  const { markAllRead } = useNotificationActions();
  const count = unread.data?.unread ?? 0;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  const items = list.data?.results ?? [];
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={count > 0 ? `Notifications, ${count} unread` : 'Notifications'}
        title="Notifications"
        className="relative inline-flex size-8 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
        data-testid="notification-bell"
      >
        <BellIcon />
        {count > 0 && (
          <span
            className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-red-600 px-1 text-[10px] leading-none font-semibold text-white ring-2 ring-white dark:ring-zinc-950"
            data-testid="unread-badge"
            aria-hidden="true"
          >
            {count > 99 ? '99+' : count}
          </span>
        )}
      </button>
      {open && (
        <div
          id={panelId}
          role="dialog"
          aria-label="Notifications"
          className="fixed inset-x-3 top-14 z-40 flex max-h-[min(32rem,calc(100dvh-5rem))] flex-col overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-lg sm:absolute sm:inset-x-auto sm:top-auto sm:right-0 sm:mt-2 sm:w-96 dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="flex items-center justify-between gap-3 border-b border-zinc-200 px-3.5 py-2.5 dark:border-zinc-800">
            <p className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">
              Notifications
              {count > 0 && <span className="ml-1.5 font-normal text-zinc-500 dark:text-zinc-400">{count} unread</span>}
            </p>
            <button
              type="button"
              onClick={() => markAllRead.mutate()}
              disabled={count === 0 || markAllRead.isPending}
              className="rounded px-1.5 py-0.5 text-[13px] font-medium text-accent-600 hover:bg-accent-50 disabled:cursor-default disabled:text-zinc-400 disabled:hover:bg-transparent dark:text-accent-400 dark:hover:bg-accent-500/10 dark:disabled:text-zinc-600"
            >
              Mark all read
            </button>
          </div>
          <div className="min-h-0 flex-1 overflow-y-auto">
            {list.isLoading ? (
              <div role="status" className="flex items-center justify-center gap-2 py-8 text-sm text-zinc-500">
                <Spinner size={14} /> Loading…
              </div>
            ) : list.isError ? (
              <ErrorAlert error={list.error} className="m-3" />
            ) : items.length === 0 ? (
              <div className="flex flex-col items-center px-6 py-10 text-center">
                <BellIcon size={22} className="text-zinc-300 dark:text-zinc-600" />
                <p className="mt-2 text-sm font-medium text-zinc-700 dark:text-zinc-200">You're all caught up</p>
                <p className="mt-0.5 text-[13px] text-zinc-500 dark:text-zinc-400">
                  Finished jobs, failures and low credits show up here.
                </p>
              </div>
            ) : (
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Latest notifications">
                {items.map((n) => (
                  <NotificationRow key={n.id} notification={n} compact onNavigate={() => setOpen(false)} />
                ))}
              </ul>
            )}
          </div>
          <div className="border-t border-zinc-200 px-3.5 py-2 text-center dark:border-zinc-800">
            <Link
              to="/notifications"
              onClick={() => setOpen(false)}
              className="text-[13px] font-medium text-accent-600 hover:underline dark:text-accent-400"
            >
              View all notifications
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
