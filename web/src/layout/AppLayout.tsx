import { Suspense, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Link, NavLink, Outlet, useLocation } from 'react-router';
import { useCreditBalance, useMe } from '../api/queries';
import { isAdminRole } from '../api/types';
import {
  BuildingIcon,
  ChevronDownIcon,
  CoinIcon,
  LogoutIcon,
  MenuIcon,
  MoonIcon,
  SunIcon,
  UsersIcon,
  XIcon,
} from '../components/icons';
import { NotificationBell } from '../components/notifications';
import { Badge, ButtonLink, Card, EmptyState, LoadingBlock, Select, Spinner, cx, formatNumber } from '../components/ui';
import { useCurrentSector, useCurrentSite } from '../lib/currentSite';
import { isPathEnabled, moduleOfPath, useModules, visibleNavGroups } from '../lib/modules';
import { useNotificationStream } from '../lib/notifications';
import { useSignOut } from '../lib/session';
import { useAuthStore } from '../stores/auth';
import { effectiveTheme, useUiStore } from '../stores/ui';
import { navGroups, selectorsFor } from './nav';

export function Logo({ className }: { className?: string }) {
  return (
    <span className={cx('inline-flex items-center gap-2 font-semibold tracking-tight', className)}>
      <svg width="26" height="26" viewBox="0 0 32 32" aria-hidden="true">
        <rect width="32" height="32" rx="8" className="fill-accent-600 dark:fill-accent-500" />
        <path d="M10 9h4v14h-4zM16 16l6-7h4l-6 7 6 7h-4z" fill="#fff" />
      </svg>
      <span className="text-[15px] text-zinc-900 dark:text-zinc-50">IGNY8</span>
    </span>
  );
}

function Sidebar({ onNavigate }: { onNavigate?: () => void }) {
  const modules = useModules();
  return (
    <nav aria-label="Main" className="flex h-full flex-col">
      <div className="flex h-14 shrink-0 items-center px-4">
        <Link to="/" onClick={onNavigate} className="rounded-md">
          <Logo />
        </Link>
      </div>
      <div className="flex-1 space-y-5 overflow-y-auto px-3 pt-2 pb-4">
        {visibleNavGroups(navGroups, modules.data).map((group) => (
          <div key={group.label ?? 'root'}>
            {group.label && (
              <p className="mb-1 px-2 text-[11px] font-semibold tracking-wider text-zinc-400 uppercase dark:text-zinc-500">
                {group.label}
              </p>
            )}
            <ul className="space-y-0.5">
              {group.items.map((item) => (
                <li key={item.to}>
                  <NavLink
                    to={item.to}
                    end={item.end}
                    onClick={onNavigate}
                    className={({ isActive }) =>
                      cx(
                        'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm transition-colors',
                        isActive
                          ? 'bg-zinc-200/70 font-medium text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50'
                          : 'text-zinc-600 hover:bg-zinc-200/40 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100',
                      )
                    }
                  >
                    <item.icon size={17} className="shrink-0 opacity-80" />
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </div>
      <div className="border-t border-zinc-200 px-4 py-3 text-xs text-zinc-400 dark:border-zinc-800 dark:text-zinc-500">
        <a href="/api/docs/" className="hover:text-zinc-700 dark:hover:text-zinc-300">
          API documentation
        </a>
      </div>
    </nav>
  );
}

function SiteSelectors({ showSector, className }: { showSector: boolean; className?: string }) {
  const { site, sites, query } = useCurrentSite();
  const setSite = useUiStore((s) => s.setSite);
  const setSectorFor = useUiStore((s) => s.setSectorFor);
  const { sector, sectors, query: sectorQuery } = useCurrentSector(showSector ? (site?.id ?? null) : null);
  const siteId = useId();
  const sectorId = useId();

  if (query.isLoading) {
    return (
      <div className={cx('flex items-center gap-2 text-sm text-zinc-400', className)}>
        <Spinner size={14} /> Loading sites…
      </div>
    );
  }
  if (sites.length === 0) {
    return (
      <div className={cx('text-sm', className)}>
        <Link to="/onboarding" className="font-medium text-accent-600 hover:underline dark:text-accent-400">
          Add your first site
        </Link>
      </div>
    );
  }
  return (
    <div className={cx('flex min-w-0 items-center gap-2', className)}>
      <label htmlFor={siteId} className="sr-only">
        Site
      </label>
      <Select
        id={siteId}
        value={site?.id ?? ''}
        onChange={(e) => setSite(Number(e.target.value))}
        className="h-8 min-w-0 flex-1 py-0 text-[13px] font-medium md:w-48 md:flex-none"
        data-testid="site-selector"
      >
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </Select>
      {showSector && (
        <>
          <label htmlFor={sectorId} className="sr-only">
            Sector
          </label>
          <Select
            id={sectorId}
            value={sector?.id ?? ''}
            onChange={(e) => site && setSectorFor(site.id, e.target.value ? Number(e.target.value) : null)}
            disabled={sectorQuery.isLoading}
            className="h-8 min-w-0 flex-1 py-0 text-[13px] md:w-44 md:flex-none"
            data-testid="sector-selector"
          >
            <option value="">All sectors</option>
            {sectors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
        </>
      )}
    </div>
  );
}

export function CreditBadge() {
  const balance = useCreditBalance();
  const me = useMe();
  // The balance endpoint is the source; until it answers, the account from /me stands in.
  const pools = balance.data ?? (me.data ? { credits: me.data.account.credits, bonus_credits: me.data.account.bonus_credits } : null);
  if (!pools) return null;
  const { credits, bonus_credits } = pools;
  const total = balance.data?.total ?? credits + bonus_credits;
  return (
    <Link
      to="/settings/account"
      title={`${formatNumber(credits)} plan credits + ${formatNumber(bonus_credits)} bonus credits`}
      className="inline-flex h-8 items-center gap-1.5 rounded-full border border-zinc-200 bg-white px-2.5 text-[13px] font-medium text-zinc-700 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      data-testid="credit-badge"
    >
      <CoinIcon size={15} className="text-amber-500" />
      <span>{formatNumber(total)}</span>{' '}
      {/* One word for sight and speech: hidden visually on phones, read out everywhere ("150 credits"). */}
      <span className="sr-only text-zinc-400 sm:not-sr-only">credits</span>
    </Link>
  );
}

function ThemeToggle() {
  const theme = useUiStore((s) => s.theme);
  const setTheme = useUiStore((s) => s.setTheme);
  const current = effectiveTheme(theme);
  const next = current === 'dark' ? 'light' : 'dark';
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      className="inline-flex size-8 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      aria-label={`Switch to ${next} mode`}
      title={`Switch to ${next} mode`}
    >
      {current === 'dark' ? <SunIcon /> : <MoonIcon />}
    </button>
  );
}

function initials(first: string, last: string, email: string): string {
  const letters = `${first.trim()[0] ?? ''}${last.trim()[0] ?? ''}`;
  return (letters || email[0] || '?').toUpperCase();
}

function UserMenu() {
  const user = useAuthStore((s) => s.user);
  const me = useMe();
  const who = me.data?.user ?? user;
  const { signOut, pending } = useSignOut();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const menuId = useId();

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

  if (!who) return null;
  const name = `${who.first_name} ${who.last_name}`.trim() || who.email;
  const itemClass =
    'flex w-full items-center gap-2.5 rounded-md px-2.5 py-1.5 text-left text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800';
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        onClick={() => setOpen((o) => !o)}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        className="flex items-center gap-2 rounded-full py-0.5 pr-1.5 pl-0.5 hover:bg-zinc-100 dark:hover:bg-zinc-800"
        data-testid="user-menu"
      >
        <span className="flex size-7 items-center justify-center rounded-full bg-accent-600 text-xs font-semibold text-white dark:bg-accent-500">
          {initials(who.first_name, who.last_name, who.email)}
        </span>
        <span className="hidden max-w-36 truncate text-sm font-medium text-zinc-700 lg:inline dark:text-zinc-200">
          {name}
        </span>
        <ChevronDownIcon size={14} className="text-zinc-400" />
        <span className="sr-only">Account menu</span>
      </button>
      {open && (
        <div
          id={menuId}
          role="menu"
          aria-label="Account"
          className="absolute right-0 z-40 mt-2 w-64 rounded-lg border border-zinc-200 bg-white p-1.5 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
        >
          <div className="px-2.5 py-2">
            <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100">{name}</p>
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{who.email}</p>
            <div className="mt-1.5 flex items-center gap-1.5">
              <Badge tone="accent" className="capitalize">
                {who.role}
              </Badge>
              {me.data && <span className="truncate text-xs text-zinc-500">{me.data.account.name}</span>}
            </div>
          </div>
          <div className="my-1 h-px bg-zinc-200 dark:bg-zinc-800" />
          <Link role="menuitem" to="/settings/account" className={itemClass} onClick={() => setOpen(false)}>
            <BuildingIcon size={16} className="text-zinc-400" /> Account settings
          </Link>
          {isAdminRole(who.role) && (
            <Link role="menuitem" to="/settings/team" className={itemClass} onClick={() => setOpen(false)}>
              <UsersIcon size={16} className="text-zinc-400" /> Team
            </Link>
          )}
          <div className="my-1 h-px bg-zinc-200 dark:bg-zinc-800" />
          <button role="menuitem" type="button" className={itemClass} disabled={pending} onClick={() => void signOut()}>
            {pending ? <Spinner size={16} /> : <LogoutIcon size={16} className="text-zinc-400" />} Sign out
          </button>
        </div>
      )}
    </div>
  );
}

/** A page of a switched-off module says so (with the way back on) instead of showing the API's refusals. */
function ModuleGate({ pathname, children }: { pathname: string; children: ReactNode }) {
  const modules = useModules();
  const module = moduleOfPath(pathname);
  // A module page waits for the switches (one small request, cached) rather than flashing the API's refusals.
  if (module && modules.isPending) return <LoadingBlock />;
  if (!module || isPathEnabled(pathname, modules.data)) return <>{children}</>;
  const name = module.charAt(0).toUpperCase() + module.slice(1);
  return (
    <Card>
      <EmptyState
        title={`The ${name} module is switched off`}
        action={<ButtonLink to="/settings/modules">Settings → Modules</ButtonLink>}
      >
        An owner or admin of the account can switch it on again; nothing in it was deleted.
      </EmptyState>
    </Card>
  );
}

export function AppLayout() {
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  const selectors = selectorsFor(location.pathname);
  const me = useMe();
  const setUser = useAuthStore((s) => s.setUser);
  useNotificationStream();

  useEffect(() => setMenuOpen(false), [location.pathname]);
  useEffect(() => {
    if (me.data) setUser(me.data.user);
  }, [me.data, setUser]);
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setMenuOpen(false);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [menuOpen]);

  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm"
      >
        Skip to content
      </a>

      {/* Desktop sidebar */}
      <aside className="fixed inset-y-0 left-0 z-30 hidden w-60 border-r border-zinc-200 bg-zinc-100/60 lg:block dark:border-zinc-800 dark:bg-zinc-900/40">
        <Sidebar />
      </aside>

      {/* Phone / tablet drawer */}
      {menuOpen && (
        <div className="fixed inset-0 z-40 lg:hidden" role="dialog" aria-modal="true" aria-label="Navigation">
          <div className="absolute inset-0 bg-zinc-950/40" onClick={() => setMenuOpen(false)} aria-hidden="true" />
          <aside className="absolute inset-y-0 left-0 w-72 max-w-[85vw] border-r border-zinc-200 bg-white shadow-xl dark:border-zinc-800 dark:bg-zinc-900">
            <button
              type="button"
              onClick={() => setMenuOpen(false)}
              className="absolute top-3 right-3 rounded-md p-1.5 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
              aria-label="Close navigation"
            >
              <XIcon />
            </button>
            <Sidebar onNavigate={() => setMenuOpen(false)} />
          </aside>
        </div>
      )}

      <div className="lg:pl-60">
        <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/85 backdrop-blur dark:border-zinc-800 dark:bg-zinc-950/85">
          <div className="flex h-14 items-center gap-2 px-3 sm:px-5">
            <button
              type="button"
              onClick={() => setMenuOpen(true)}
              className="inline-flex size-8 items-center justify-center rounded-md text-zinc-600 hover:bg-zinc-100 lg:hidden dark:text-zinc-300 dark:hover:bg-zinc-800"
              aria-label="Open navigation"
              aria-expanded={menuOpen}
            >
              <MenuIcon />
            </button>
            <Link to="/" className="lg:hidden">
              <Logo className="[&>span]:hidden sm:[&>span]:inline" />
            </Link>
            {selectors.site && <SiteSelectors showSector={selectors.sector} className="ml-2 hidden md:flex" />}
            <div className="ml-auto flex items-center gap-1.5 sm:gap-2">
              <CreditBadge />
              <NotificationBell />
              <ThemeToggle />
              <UserMenu />
            </div>
          </div>
          {selectors.site && (
            <div className="border-t border-zinc-200 px-3 py-2 md:hidden dark:border-zinc-800">
              <SiteSelectors showSector={selectors.sector} />
            </div>
          )}
        </header>

        <main id="main" className="mx-auto w-full max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
          <Suspense fallback={<LoadingBlock />}>
            <ModuleGate pathname={location.pathname}>
              <Outlet />
            </ModuleGate>
          </Suspense>
        </main>
      </div>
    </div>
  );
}
