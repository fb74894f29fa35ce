// Add a site: name, address, industry and 1–N of the industry's sectors. Used by onboarding and Settings → Sites.
// Creating takes two calls (create the site, then choose its sectors); if the second fails the site is kept and
// the next submit updates it instead of creating another.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../api';
import { ApiError } from '../api/client';
import { queryKeys, useIndustries, useMe } from '../api/queries';
import type { Industry, Sector, Site } from '../api/types';
import { Alert, Button, ErrorAlert, Field, Input, Select, Spinner, cx, fieldError } from './ui';

export interface SiteFormResult {
  site: Site;
  sectors: Sector[];
  industry: Industry;
}

const SHOWN_FIELDS = ['name', 'domain', 'industry_id', 'industry_slug', 'sector_slugs'];

export function SiteForm({
  onCreated,
  submitLabel = 'Create site',
  secondaryAction,
}: {
  onCreated: (result: SiteFormResult) => void;
  submitLabel?: string;
  secondaryAction?: ReactNode;
}) {
  const queryClient = useQueryClient();
  const industries = useIndustries();
  const me = useMe();
  const maxSectors = me.data?.account.plan.max_sectors_per_site ?? null;
  const planName = me.data?.account.plan.name;

  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [industryId, setIndustryId] = useState('');
  const [sectorSlugs, setSectorSlugs] = useState<string[]>([]);
  const [savedSite, setSavedSite] = useState<Site | null>(null);
  const sectorsLabelId = useId();
  const sectorsErrorId = useId();

  const industry = industries.data?.find((i) => String(i.id) === industryId) ?? null;

  const save = useMutation({
    mutationFn: async (): Promise<SiteFormResult> => {
      const local: Record<string, string[]> = {};
      if (!name.trim()) local.name = ['Enter a name for the site.'];
      if (!industry) local.industry_id = ['Choose an industry.'];
      if (sectorSlugs.length === 0) local.sector_slugs = ['Choose at least one sector.'];
      if (Object.keys(local).length > 0 || !industry) {
        throw new ApiError({ message: 'Please correct the highlighted fields.', status: 0, code: 'VALIDATION_ERROR', fieldErrors: local });
      }
      const body = { name: name.trim(), domain: domain.trim() || null, industry_id: industry.id };
      const site = savedSite
        ? await api.patch('/api/v1/auth/sites/{id}', { path: { id: savedSite.id }, body })
        : await api.post('/api/v1/auth/sites', { body });
      setSavedSite(site);
      const sectors = await api.post('/api/v1/auth/sites/{id}/select_sectors', {
        path: { id: site.id },
        body: { industry_slug: industry.slug, sector_slugs: sectorSlugs },
      });
      return { site, sectors, industry };
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: queryKeys.sites }),
    onSuccess: (result) => {
      queryClient.setQueryData(queryKeys.siteSectors(result.site.id), result.sectors);
      onCreated(result);
    },
  });

  const err = save.error;
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  // After a failed save, take the user to the problem: the first invalid field, else the message.
  useEffect(() => {
    if (!err) return;
    const invalid = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (invalid) invalid.focus();
    else alertRef.current?.scrollIntoView?.({ block: 'nearest' });
  }, [err]);
  const sectorError = fieldError(err, 'sector_slugs');
  const atLimit = maxSectors !== null && sectorSlugs.length >= maxSectors;

  const toggleSector = (slug: string) =>
    setSectorSlugs((current) => (current.includes(slug) ? current.filter((s) => s !== slug) : [...current, slug]));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-5" aria-label="Add a site">
      {savedSite && save.isError && (
        <Alert tone="info">
          The site <strong>{savedSite.name}</strong> was saved, but its sectors were not. Fix the problem below and
          continue.
        </Alert>
      )}
      <fieldset disabled={save.isPending} className="space-y-5">
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Site name" error={fieldError(err, 'name')}>
            <Input name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme Health Blog" />
          </Field>
          <Field
            label="Website address"
            optional
            hint="Where the site lives, e.g. example.com"
            error={fieldError(err, 'domain')}
          >
            <Input
              name="domain"
              inputMode="url"
              value={domain}
              onChange={(e) => setDomain(e.target.value)}
              placeholder="example.com"
            />
          </Field>
        </div>

        <Field
          label="Industry"
          error={fieldError(err, 'industry_id', 'industry_slug')}
          hint="Decides which sectors (topic areas) you can pick."
        >
          <Select
            name="industry"
            value={industryId}
            onChange={(e) => {
              setIndustryId(e.target.value);
              setSectorSlugs([]);
            }}
            disabled={industries.isLoading}
          >
            <option value="">{industries.isLoading ? 'Loading industries…' : 'Choose an industry'}</option>
            {industries.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </Select>
        </Field>
        {industries.isError && <ErrorAlert error={industries.error} />}

        <div role="group" aria-labelledby={sectorsLabelId} aria-describedby={sectorError ? sectorsErrorId : undefined}>
          <div className="mb-2 flex items-baseline justify-between gap-3">
            <p id={sectorsLabelId} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
              Sectors
            </p>
            {industry && maxSectors !== null && (
              <p className="text-[13px] text-zinc-500 dark:text-zinc-400" aria-live="polite">
                {sectorSlugs.length} of {maxSectors} selected{planName ? ` (${planName} plan)` : ''}
              </p>
            )}
          </div>
          {!industry ? (
            <p className="rounded-lg border border-dashed border-zinc-300 px-4 py-6 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
              Choose an industry to see its sectors.
            </p>
          ) : (
            <div className="grid gap-2 sm:grid-cols-2">
              {industry.sectors.map((s) => {
                const checked = sectorSlugs.includes(s.slug);
                const disabled = !checked && atLimit;
                return (
                  <label
                    key={s.slug}
                    className={cx(
                      'flex cursor-pointer gap-3 rounded-lg border p-3 text-sm transition-colors',
                      checked
                        ? 'border-accent-500 bg-accent-50/60 ring-1 ring-accent-500 dark:border-accent-400 dark:bg-accent-500/10 dark:ring-accent-400'
                        : 'border-zinc-200 hover:border-zinc-300 dark:border-zinc-700 dark:hover:border-zinc-600',
                      disabled && 'cursor-not-allowed opacity-50',
                      sectorError && !checked && 'border-red-300 dark:border-red-800',
                    )}
                  >
                    <input
                      type="checkbox"
                      name="sector"
                      value={s.slug}
                      checked={checked}
                      disabled={disabled}
                      onChange={() => toggleSector(s.slug)}
                      className="mt-0.5 size-4 shrink-0 accent-accent-600"
                    />
                    <span className="min-w-0">
                      <span className="block font-medium text-zinc-900 dark:text-zinc-100">{s.name}</span>
                      <span className="mt-0.5 line-clamp-2 block text-[13px] text-zinc-500 dark:text-zinc-400">
                        {s.description}
                      </span>
                    </span>
                  </label>
                );
              })}
            </div>
          )}
          {sectorError && (
            <p id={sectorsErrorId} className="mt-2 text-[13px] text-red-600 dark:text-red-400">
              {sectorError}
            </p>
          )}
          {atLimit && industry && (
            <p className="mt-2 text-[13px] text-zinc-500 dark:text-zinc-400">
              Your plan allows {maxSectors} sectors per site.
            </p>
          )}
        </div>
      </fieldset>

      <div ref={alertRef} tabIndex={-1} className="outline-none">
        <ErrorAlert error={err} hideFields={SHOWN_FIELDS} />
      </div>
      <div className="flex flex-wrap items-center justify-end gap-2 pt-1">
        {secondaryAction}
        <Button type="submit" variant="primary" loading={save.isPending}>
          {save.isPending ? (
            'Saving…'
          ) : (
            submitLabel
          )}
        </Button>
      </div>
      {me.isLoading && (
        <p className="flex items-center gap-2 text-xs text-zinc-400">
          <Spinner size={12} /> Loading your plan…
        </p>
      )}
    </form>
  );
}
