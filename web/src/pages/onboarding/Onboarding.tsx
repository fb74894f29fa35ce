import { Fragment, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMe } from '../../api/queries';
import { CheckIcon, GlobeIcon, PlugIcon, SparkIcon, TagIcon } from '../../components/icons';
import { SiteForm, type SiteFormResult } from '../../components/SiteForm';
import { Alert, Badge, Button, cx } from '../../components/ui';
import { Logo } from '../../layout/AppLayout';
import { useUiStore } from '../../stores/ui';
import { plural } from '../planner/shared';
import { KeywordsStep, addedBy } from './KeywordsStep';

const STEPS = [
  { key: 'site', label: 'Add a site', icon: GlobeIcon },
  { key: 'wordpress', label: 'Connect WordPress', icon: PlugIcon },
  { key: 'keywords', label: 'Add keywords', icon: TagIcon },
  { key: 'done', label: 'Summary', icon: SparkIcon },
] as const;

/**
 * The steps with a connector between each two. The steps keep their own width and the connectors share what is
 * left equally, so every connector has the same length whatever the labels' lengths.
 */
function Stepper({ current }: { current: number }) {
  return (
    <ol className="flex items-center gap-2 sm:gap-3" aria-label="Setup progress">
      {STEPS.map((step, index) => {
        const done = index < current;
        const active = index === current;
        return (
          <Fragment key={step.key}>
            {index > 0 && (
              <li
                role="presentation"
                aria-hidden="true"
                className="h-px min-w-3 flex-1 basis-0 bg-zinc-200 dark:bg-zinc-800"
                data-testid="stepper-connector"
              />
            )}
            <li className="flex flex-none items-center gap-2 sm:gap-3" aria-current={active ? 'step' : undefined}>
              <span
                className={cx(
                  'flex size-7 shrink-0 items-center justify-center rounded-full text-xs font-semibold',
                  done && 'bg-accent-600 text-white dark:bg-accent-500',
                  active && 'bg-white text-accent-700 ring-2 ring-accent-600 dark:bg-zinc-900 dark:text-accent-300 dark:ring-accent-400',
                  !done && !active && 'bg-zinc-200 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400',
                )}
              >
                {done ? <CheckIcon size={14} /> : index + 1}
              </span>
              <span
                className={cx(
                  'hidden text-sm whitespace-nowrap sm:block',
                  active ? 'font-medium text-zinc-900 dark:text-zinc-100' : 'text-zinc-500 dark:text-zinc-400',
                )}
              >
                {step.label}
              </span>
              <span className="sr-only">{done ? '(done)' : active ? '(current)' : ''}</span>
            </li>
          </Fragment>
        );
      })}
    </ol>
  );
}

export default function Onboarding() {
  const navigate = useNavigate();
  const me = useMe();
  const setSite = useUiStore((s) => s.setSite);
  const [step, setStep] = useState(0);
  const [result, setResult] = useState<SiteFormResult | null>(null);
  const [skipped, setSkipped] = useState<{ wordpress: boolean; keywords: boolean }>({ wordpress: false, keywords: false });
  const [keywordsAdded, setKeywordsAdded] = useState(0);

  const finish = () => {
    if (result) setSite(result.site.id);
    navigate('/', { replace: true });
  };
  const firstName = me.data?.user.first_name;

  return (
    <div className="min-h-dvh bg-zinc-50 dark:bg-zinc-950">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex h-14 max-w-3xl items-center justify-between px-4">
          <Logo />
          <Link to="/" className="text-sm text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
            Skip setup
          </Link>
        </div>
      </header>
      <main className="mx-auto max-w-3xl px-4 py-8 sm:py-10">
        <div className="mb-8">
          <Stepper current={step} />
        </div>

        {step === 0 && (
          <section aria-labelledby="step-site" className="rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-7 dark:border-zinc-800 dark:bg-zinc-900">
            <h1 id="step-site" className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
              {firstName ? `Welcome, ${firstName}. ` : 'Welcome. '}Let's add your first site.
            </h1>
            <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">
              IGNY8 plans and writes content per site. Pick the industry and the sectors (topic areas) you cover.
            </p>
            <SiteForm
              submitLabel="Continue"
              onCreated={(r) => {
                setResult(r);
                setSite(r.site.id);
                setStep(1);
              }}
            />
          </section>
        )}

        {step === 1 && (
          <section aria-labelledby="step-wp" className="rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-7 dark:border-zinc-800 dark:bg-zinc-900">
            <h1 id="step-wp" className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
              Connect WordPress
            </h1>
            <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">
              Publishing to WordPress arrives in a later build. You can do this later.
            </p>
            <Alert tone="info" title="Connect later">
              When publishing is available, you'll install the IGNY8 plugin on your WordPress site and paste the site's
              API key. You can already create that key under <strong>Settings → Sites</strong>.
            </Alert>
            <div className="mt-6 flex justify-end gap-2">
              <Button
                variant="primary"
                onClick={() => {
                  setSkipped((s) => ({ ...s, wordpress: true }));
                  setStep(2);
                }}
              >
                Skip for now
              </Button>
            </div>
          </section>
        )}

        {step === 2 && result && (
          <KeywordsStep
            siteId={result.site.id}
            added={keywordsAdded}
            onAdded={(r) => setKeywordsAdded((n) => n + addedBy(r.report))}
            onBack={() => setStep(1)}
            onContinue={(skippedStep) => {
              setSkipped((s) => ({ ...s, keywords: skippedStep }));
              setStep(3);
            }}
          />
        )}

        {step === 3 && result && (
          <section aria-labelledby="step-done" className="rounded-xl border border-zinc-200 bg-white p-5 shadow-xs sm:p-7 dark:border-zinc-800 dark:bg-zinc-900">
            <div className="mb-5 flex size-11 items-center justify-center rounded-full bg-emerald-100 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300">
              <CheckIcon size={22} />
            </div>
            <h1 id="step-done" className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">
              You're all set
            </h1>
            <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">Here's what we set up.</p>
            <dl className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 text-sm dark:divide-zinc-800 dark:border-zinc-800">
              <div className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <dt className="text-zinc-500 dark:text-zinc-400">Site</dt>
                <dd className="font-medium text-zinc-900 dark:text-zinc-100">
                  {result.site.name}
                  {result.site.domain && <span className="ml-2 font-normal text-zinc-500">{result.site.domain}</span>}
                </dd>
              </div>
              <div className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <dt className="text-zinc-500 dark:text-zinc-400">Industry</dt>
                <dd className="font-medium text-zinc-900 dark:text-zinc-100">{result.industry.name}</dd>
              </div>
              <div className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <dt className="text-zinc-500 dark:text-zinc-400">Sectors</dt>
                <dd className="flex flex-wrap justify-end gap-1.5">
                  {result.sectors
                    .filter((s) => s.is_active)
                    .map((s) => (
                      <Badge key={s.id} tone="accent">
                        {s.name}
                      </Badge>
                    ))}
                </dd>
              </div>
              <div className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <dt className="text-zinc-500 dark:text-zinc-400">WordPress</dt>
                <dd className="text-zinc-700 dark:text-zinc-300">{skipped.wordpress ? 'Later' : '—'}</dd>
              </div>
              <div className="flex flex-wrap justify-between gap-2 px-4 py-3">
                <dt className="text-zinc-500 dark:text-zinc-400">Keywords</dt>
                <dd className="text-zinc-700 dark:text-zinc-300" data-testid="summary-keywords">
                  {keywordsAdded > 0 ? `${plural(keywordsAdded, 'keyword')} added` : skipped.keywords ? 'Later' : '—'}
                </dd>
              </div>
            </dl>
            <div className="mt-6 flex justify-end">
              <Button variant="primary" onClick={finish}>
                Go to dashboard
              </Button>
            </div>
          </section>
        )}
      </main>
    </div>
  );
}
