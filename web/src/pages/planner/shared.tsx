// Pieces the planner pages share: the site/sector scope from the header, badges, next-step hints, the state
// for "no site yet", and the errors an AI action can meet when it starts.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { useMe } from '../../api/queries';
import type { Scope } from '../../api/planner';
import { canRunAi, isOfflineDraft, type Sector, type Site, type Task } from '../../api/types';
import { GlobeIcon, SparkIcon } from '../../components/icons';
import { Alert, Badge, ButtonLink, Card, EmptyState, ErrorAlert, LoadingBlock, cx, formatNumber } from '../../components/ui';
import { useCurrentSector, useCurrentSite } from '../../lib/currentSite';

export interface PlannerScope {
  site: Site | null;
  sector: Sector | null;
  sectors: Sector[];
  /** The API filter for the scope; null until a site is known. */
  scope: Scope | null;
  loading: boolean;
  /** "Wellness Weekly · Mental Health" or "Wellness Weekly · all sectors". */
  label: string;
  sectorName: (id: number | null | undefined) => string;
}

/** The site and sector chosen in the header. */
export function usePlannerScope(): PlannerScope {
  const { site, query } = useCurrentSite();
  const { sector, sectors, query: sectorQuery } = useCurrentSector(site?.id ?? null);
  const scope: Scope | null = site ? (sector ? { site_id: site.id, sector_id: sector.id } : { site_id: site.id }) : null;
  const label = site ? `${site.name} · ${sector ? sector.name : 'all sectors'}` : '';
  return {
    site,
    sector,
    sectors,
    scope,
    loading: query.isLoading || (site !== null && sectorQuery.isLoading),
    label,
    sectorName: (id) => sectors.find((s) => s.id === id)?.name ?? (id ? `Sector ${id}` : '—'),
  };
}

/** Editors and above change planner data and run AI work; viewers read. */
export function useCanEdit(): { canEdit: boolean; known: boolean } {
  const me = useMe();
  return { canEdit: canRunAi(me.data?.user.role), known: Boolean(me.data) };
}

export const VIEWER_HINT = 'Viewers cannot change planner data. Ask an editor, admin or owner.';

/** The page's body while there is no site, or it is still loading. */
export function ScopeGate({ scope, children }: { scope: PlannerScope; children: ReactNode }) {
  if (scope.loading) return <LoadingBlock />;
  if (!scope.site) {
    return (
      <Card>
        <EmptyState
          icon={<GlobeIcon size={22} />}
          title="Add a site first"
          action={<ButtonLink to="/onboarding" variant="primary">Add your first site</ButtonLink>}
        >
          Keywords, clusters and ideas belong to a site and one of its sectors.
        </EmptyState>
      </Card>
    );
  }
  if (scope.sectors.length === 0) {
    return (
      <Card>
        <EmptyState
          icon={<GlobeIcon size={22} />}
          title={`${scope.site.name} has no sectors yet`}
          action={<ButtonLink to={`/settings/sites/${scope.site.id}`} variant="primary">Choose sectors</ButtonLink>}
        >
          Keywords are planned per sector. Choose the site's industry and sectors to start.
        </EmptyState>
      </Card>
    );
  }
  return <>{children}</>;
}

export function OfflineBadge({ item, className }: { item: { source?: string | null; description?: string | null }; className?: string }) {
  if (!isOfflineDraft(item)) return null;
  return (
    <span title="Written by the built-in offline provider (no AI model was used). Review before publishing." className={cx('inline-flex', className)}>
      <Badge tone="warning">Offline draft</Badge>
    </span>
  );
}

/** A description next to an "Offline draft" badge, without the same words again at its start. */
export function plainDescription(description: string): string {
  const text = description.replace(/^\s*Offline draft\s*[:.\-–—]\s*/i, '');
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

const INTENT_TONES: Record<string, 'neutral' | 'accent' | 'success' | 'warning'> = {
  informational: 'neutral',
  commercial: 'accent',
  transactional: 'success',
  navigational: 'warning',
};

export function IntentBadge({ intent }: { intent: string }) {
  return (
    <Badge tone={INTENT_TONES[intent] ?? 'neutral'} className="capitalize">
      {intent}
    </Badge>
  );
}

const STATUS_TONES: Record<string, 'neutral' | 'accent' | 'success' | 'warning'> = {
  new: 'neutral',
  mapped: 'success',
  queued: 'accent',
  completed: 'success',
};

const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  mapped: 'Clustered',
  queued: 'Queued',
  completed: 'Completed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function StatusBadge({ status, kind }: { status: string; kind?: 'keyword' | 'cluster' | 'idea' }) {
  // A cluster is "mapped" once it has ideas.
  const label = kind === 'cluster' && status === 'mapped' ? 'Has ideas' : statusLabel(status);
  return <Badge tone={STATUS_TONES[status] ?? 'neutral'}>{label}</Badge>;
}

/** A suggested next step: "12 keywords not clustered → Auto-cluster". */
export function NextAction({ children, action, testId }: { children: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <div
      data-testid={testId}
      className="mb-4 flex flex-wrap items-center gap-x-3 gap-y-2 rounded-lg border border-accent-200 bg-accent-50/70 px-3.5 py-2.5 text-sm text-accent-900 dark:border-accent-500/30 dark:bg-accent-500/10 dark:text-accent-100"
    >
      <SparkIcon size={16} className="shrink-0 text-accent-600 dark:text-accent-300" />
      <p className="min-w-0 flex-1">{children}</p>
      {action && <div className="flex shrink-0 flex-wrap gap-2">{action}</div>}
    </div>
  );
}

/** Why an AI action could not start: not enough credits gets its own words and a link to the plan. */
export function TaskStartError({ error, className }: { error: unknown; className?: string }) {
  if (!error) return null;
  if (isApiError(error) && error.code === 'INSUFFICIENT_CREDITS') {
    const required = Number(error.details.required ?? 0);
    const available = Number(error.details.available ?? 0);
    return (
      <Alert tone="warning" title="Not enough credits" className={className}>
        <p>
          {required > 0
            ? `This needs ${formatNumber(required)} credits; ${formatNumber(available)} are available.`
            : error.message}
        </p>
        <p className="mt-1">
          <Link to="/settings/account" className="font-medium underline underline-offset-2">
            See your plan and credits
          </Link>
        </p>
      </Alert>
    );
  }
  return <ErrorAlert error={error} className={className} />;
}

/** "1 keyword" / "12 keywords". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** A number cell, or a dash. */
export function num(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return digits > 0 ? n.toFixed(digits) : formatNumber(Math.round(n));
}

/** Triggers a browser download of a Blob. */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function resultOf(task: Task): Record<string, unknown> {
  return (task.result as Record<string, unknown> | null | undefined) ?? {};
}

const count = (r: Record<string, unknown>, key: string) => (typeof r[key] === 'number' ? (r[key] as number) : null);

/** "3 clusters created, 15 keywords mapped, 1 left unclustered." from the auto_cluster result. */
export function clusterSummary(task: Task): string | null {
  const r = resultOf(task);
  const created = count(r, 'clusters_created');
  const reused = count(r, 'clusters_reused');
  const mapped = count(r, 'keywords_mapped');
  const left = count(r, 'keywords_unclustered');
  if (created === null && mapped === null) return null;
  const parts = [
    created !== null ? `${plural(created, 'cluster')} created` : null,
    reused ? `${formatNumber(reused)} existing reused` : null,
    mapped !== null ? `${plural(mapped, 'keyword')} mapped` : null,
    left ? `${formatNumber(left)} left unclustered` : null,
  ].filter(Boolean);
  const offline = r.offline === true ? ' Offline draft: named by the local engine.' : '';
  return `${parts.join(', ')}.${offline}`;
}

/** "12 ideas written for 3 clusters." from the generate_ideas result. */
export function ideasSummary(task: Task): string | null {
  const r = resultOf(task);
  const ideas = count(r, 'ideas_created');
  if (ideas === null) return null;
  const clusters = count(r, 'clusters');
  const offline = r.offline === true ? ' Offline drafts: outlines built from the keywords, not by an AI model.' : '';
  return `${plural(ideas, 'idea')} written${clusters !== null ? ` for ${plural(clusters, 'cluster')}` : ''}.${offline}`;
}
