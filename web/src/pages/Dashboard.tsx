import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api';
import { useIdeaCount, useKeywordCount } from '../api/planner';
import { useIndustries, useMe, useTeam } from '../api/queries';
import { useContentCount, useWriterTaskCount, writerKeys } from '../api/writer';
import { isAdminRole } from '../api/types';
import { CheckIcon, ChevronRightIcon, GlobeIcon } from '../components/icons';
import { Badge, ButtonLink, Card, EmptyState, LoadingBlock, PageHeader, cx, formatNumber } from '../components/ui';
import { useCurrentSector, useCurrentSite } from '../lib/currentSite';
import { useModules, type ModuleMap, type ModuleName } from '../lib/modules';

const PIPELINE = ['Keywords', 'Clusters', 'Ideas', 'Tasks', 'Articles', 'Images', 'Published'];

function Meter({ label, used, max }: { label: string; used: number | null; max: number }) {
  const pct = used === null ? 0 : Math.min(100, Math.round((used / Math.max(1, max)) * 100));
  return (
    <div>
      <div className="flex justify-between text-sm">
        <span className="text-zinc-600 dark:text-zinc-300">{label}</span>
        <span className="font-medium text-zinc-900 tabular-nums dark:text-zinc-100">
          {used === null ? '—' : used} / {max}
        </span>
      </div>
      <div className="mt-1.5 h-1.5 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800" aria-hidden="true">
        <div
          className={cx('h-full rounded-full', pct >= 100 ? 'bg-amber-500' : 'bg-accent-500')}
          style={{ width: `${pct}%` }}
        />
      </div>
    </div>
  );
}

function ChecklistItem({ done, children, to, soon }: { done: boolean; children: React.ReactNode; to?: string; soon?: boolean }) {
  const body = (
    <>
      <span
        className={cx(
          'flex size-5 shrink-0 items-center justify-center rounded-full border',
          done
            ? 'border-emerald-500 bg-emerald-500 text-white'
            : 'border-zinc-300 text-transparent dark:border-zinc-600',
        )}
        aria-hidden="true"
      >
        <CheckIcon size={12} />
      </span>
      <span className={cx('flex-1', done && 'text-zinc-500 line-through decoration-zinc-300 dark:text-zinc-500')}>
        {children}
      </span>
      <span className="sr-only">{done ? '(done)' : '(to do)'}</span>
      {soon && <Badge>Soon</Badge>}
      {to && !done && <ChevronRightIcon size={16} className="text-zinc-400" />}
    </>
  );
  const cls = 'flex items-center gap-3 rounded-md px-2 py-2 text-sm text-zinc-700 dark:text-zinc-300';
  return (
    <li>
      {to && !done ? (
        <Link to={to} className={cx(cls, 'hover:bg-zinc-50 dark:hover:bg-zinc-800/50')}>
          {body}
        </Link>
      ) : (
        <div className={cls}>{body}</div>
      )}
    </li>
  );
}

/** Keywords, clusters, ideas, writer tasks, articles and made images of the site; a switched-off module's stages
 * are not asked for (its endpoints answer 403). */
function usePipelineCounts(siteId: number | null, modules: ModuleMap | undefined) {
  const scope = siteId === null || modules === undefined ? null : { site_id: siteId };
  const planner = modules?.planner ? scope : null;
  const writer = modules?.writer ? scope : null;
  const keywords = useKeywordCount(planner);
  const clusters = useQuery({
    queryKey: ['planner', 'clusters', 'count', planner ?? {}],
    queryFn: async () => (await api.get('/api/v1/planner/clusters', { query: { ...planner!, page_size: 1 } })).count,
    enabled: planner !== null,
  });
  const ideas = useIdeaCount(planner);
  const tasks = useWriterTaskCount(writer);
  const articles = useContentCount(writer);
  const images = useQuery({
    queryKey: [...writerKeys.images, 'count', writer ?? {}],
    // Images are listed per site (an article's sector is not an image filter).
    queryFn: async () => (await api.get('/api/v1/writer/images', { query: { site_id: writer!.site_id, status: 'generated', page_size: 1 } })).count,
    enabled: writer !== null,
  });
  return {
    Keywords: keywords.data,
    Clusters: clusters.data,
    Ideas: ideas.data,
    Tasks: tasks.data,
    Articles: articles.data,
    Images: images.data,
  } as Record<string, number | undefined>;
}

const PIPELINE_MODULES: Record<string, ModuleName> = {
  Keywords: 'planner',
  Clusters: 'planner',
  Ideas: 'planner',
  Tasks: 'writer',
  Articles: 'writer',
  Images: 'writer',
  Published: 'publisher',
};

const PIPELINE_LINKS: Record<string, string> = {
  Keywords: '/planner/keywords',
  Clusters: '/planner/clusters',
  Ideas: '/planner/ideas',
  Tasks: '/writer/tasks',
  Articles: '/writer/drafts',
  Images: '/writer/images',
};

export default function Dashboard() {
  const me = useMe();
  const { site, sites, query } = useCurrentSite();
  const modules = useModules();
  const counts = usePipelineCounts(site?.id ?? null, modules.data);
  const switchedOff = (stage: string) => {
    const module = PIPELINE_MODULES[stage];
    return module !== undefined && modules.data?.[module] === false;
  };
  const { sectors } = useCurrentSector(site?.id ?? null);
  const industries = useIndustries();
  const admin = isAdminRole(me.data?.user.role);
  const team = useTeam();

  if (query.isLoading || me.isLoading) return <LoadingBlock />;

  const account = me.data?.account;
  const plan = account?.plan;
  const industry = industries.data?.find((i) => i.id === site?.industry_id);
  const firstName = me.data?.user.first_name;

  return (
    <>
      <PageHeader
        title={firstName ? `Welcome, ${firstName}` : 'Dashboard'}
        description={account ? `${account.name} · ${plan?.name ?? ''} plan` : undefined}
      />

      {sites.length === 0 ? (
        <Card>
          <EmptyState
            icon={<GlobeIcon size={22} />}
            title="Add your first site"
            action={admin ? <ButtonLink to="/onboarding" variant="primary">Add a site</ButtonLink> : undefined}
          >
            {admin
              ? 'Everything in IGNY8 happens per site: add one with its industry and sectors to get started.'
              : 'No site has been shared with you yet. Ask an owner or admin of your account for access.'}
          </EmptyState>
        </Card>
      ) : (
        <div className="grid gap-5 lg:grid-cols-3">
          <Card
            title="Current site"
            className="lg:col-span-2"
            actions={
              site && admin ? (
                <ButtonLink to={`/settings/sites/${site.id}`} size="sm">
                  Manage
                </ButtonLink>
              ) : undefined
            }
          >
            {site && (
              <div className="space-y-4">
                <div>
                  <p className="text-lg font-semibold text-zinc-900 dark:text-zinc-50" data-testid="dashboard-site-name">
                    {site.name}
                  </p>
                  <p className="text-sm text-zinc-500 dark:text-zinc-400">
                    {site.domain ? (
                      <a href={site.domain} target="_blank" rel="noreferrer" className="hover:underline">
                        {site.domain.replace(/^https?:\/\//, '')}
                      </a>
                    ) : (
                      'No address yet'
                    )}
                    {industry && <> · {industry.name}</>}
                  </p>
                </div>
                <div>
                  <p className="mb-2 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
                    Sectors
                  </p>
                  {sectors.length > 0 ? (
                    <div className="flex flex-wrap gap-1.5">
                      {sectors.map((s) => (
                        <Badge key={s.id} tone="accent">
                          {s.name}
                        </Badge>
                      ))}
                    </div>
                  ) : (
                    <p className="text-sm text-zinc-500">No sectors chosen yet.</p>
                  )}
                </div>
              </div>
            )}
          </Card>

          <Card title="Credits">
            {account && (
              <div className="space-y-3">
                <p className="text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums dark:text-zinc-50">
                  {formatNumber(account.credits + account.bonus_credits)}
                </p>
                <dl className="space-y-1 text-sm">
                  <div className="flex justify-between">
                    <dt className="text-zinc-500 dark:text-zinc-400">Plan credits</dt>
                    <dd className="tabular-nums">{formatNumber(account.credits)}</dd>
                  </div>
                  <div className="flex justify-between">
                    <dt className="text-zinc-500 dark:text-zinc-400">Bonus credits</dt>
                    <dd className="tabular-nums">{formatNumber(account.bonus_credits)}</dd>
                  </div>
                </dl>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  Plan credits renew each period; bonus credits never expire.
                </p>
              </div>
            )}
          </Card>

          <Card title="Getting started" className="lg:col-span-2">
            <ul className="-my-1 space-y-0.5">
              <ChecklistItem done={sites.length > 0} to="/onboarding">
                Add a site
              </ChecklistItem>
              <ChecklistItem done={sectors.length > 0} to={site ? `/settings/sites/${site.id}` : undefined}>
                Choose the site's sectors
              </ChecklistItem>
              <ChecklistItem done={Boolean(site?.has_api_key)} to={site && admin ? `/settings/sites/${site.id}` : undefined}>
                Create an API key for the WordPress plugin
              </ChecklistItem>
              {admin && (
                <ChecklistItem done={(team.data?.length ?? 0) > 1} to="/settings/team">
                  Invite your team
                </ChecklistItem>
              )}
              {!switchedOff('Keywords') && (
                <ChecklistItem done={(counts.Clusters ?? 0) > 0} to={(counts.Keywords ?? 0) > 0 ? '/planner/clusters' : '/planner/keywords'}>
                  Add keywords and let IGNY8 cluster them
                </ChecklistItem>
              )}
            </ul>
          </Card>

          {plan && (
            <Card title="Plan usage" actions={<Badge>{plan.name}</Badge>}>
              <div className="space-y-4">
                <Meter label="Sites" used={sites.length} max={plan.max_sites} />
                <Meter label="Sectors on this site" used={sectors.length} max={plan.max_sectors_per_site} />
                {admin && <Meter label="Team members" used={team.data?.length ?? null} max={plan.max_users} />}
              </div>
            </Card>
          )}

          <Card
            title="Content pipeline"
            description="Keywords become published articles in seven steps. Counts appear here as each module arrives."
            className="lg:col-span-3"
          >
            <ol className="flex flex-wrap items-center gap-2 text-sm">
              {PIPELINE.map((stage, i) => (
                <li key={stage} className="flex items-center gap-2">
                  {switchedOff(stage) ? (
                    <span
                      className="rounded-md border border-dashed border-zinc-300 px-3 py-1.5 text-zinc-500 dark:border-zinc-700 dark:text-zinc-400"
                      data-testid={`pipeline-${stage.toLowerCase()}`}
                    >
                      {stage} <span className="ml-1 text-xs">off</span>
                    </span>
                  ) : PIPELINE_LINKS[stage] ? (
                    <Link
                      to={PIPELINE_LINKS[stage]}
                      className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 text-zinc-800 hover:border-accent-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
                      data-testid={`pipeline-${stage.toLowerCase()}`}
                    >
                      {stage}{' '}
                      <span className="ml-1 font-semibold tabular-nums">{counts[stage] === undefined ? '…' : formatNumber(counts[stage])}</span>
                    </Link>
                  ) : (
                    <span className="rounded-md border border-dashed border-zinc-300 px-3 py-1.5 text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
                      {stage}
                    </span>
                  )}
                  {i < PIPELINE.length - 1 && <ChevronRightIcon size={14} className="text-zinc-300 dark:text-zinc-600" />}
                </li>
              ))}
            </ol>
            <p className="mt-3 text-xs text-zinc-500 dark:text-zinc-400">
              Counts for {site?.name ?? 'the site'}. The dashed stage comes with the publisher: no number is shown until
              it is real.
              {PIPELINE.some(switchedOff) && (
                <>
                  {' '}
                  Stages marked “off” belong to modules switched off in{' '}
                  <Link to="/settings/modules" className="underline">
                    Settings → Modules
                  </Link>
                  .
                </>
              )}
            </p>
          </Card>
        </div>
      )}
    </>
  );
}
