import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../api';
import { queryKeys, useIndustries, useMe, useSite, useSiteSectors } from '../../api/queries';
import { isAdminRole, type ApiKey, type Sector, type Site } from '../../api/types';
import { ChevronLeftIcon, KeyIcon, TrashIcon } from '../../components/icons';
import { ConfirmDialog, CopyButton } from '../../components/overlays';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  ErrorAlert,
  Field,
  Input,
  LoadingBlock,
  PageHeader,
  Select,
  fieldError,
  formatDate,
} from '../../components/ui';
import { toast } from '../../stores/toast';
import { useDeleteSite } from '../../lib/useDeleteSite';

function GeneralCard({ site, canEdit }: { site: Site; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const industries = useIndustries();
  const [name, setName] = useState(site.name);
  const [domain, setDomain] = useState(site.domain ?? '');
  const [active, setActive] = useState(site.is_active);
  useEffect(() => {
    setName(site.name);
    setDomain(site.domain ?? '');
    setActive(site.is_active);
  }, [site]);

  const save = useMutation({
    mutationFn: () =>
      api.patch('/api/v1/auth/sites/{id}', {
        path: { id: site.id },
        body: { name: name.trim(), domain: domain.trim() || null, is_active: active },
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.site(site.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
      toast.success('Site saved.');
    },
  });
  const dirty = name !== site.name || domain !== (site.domain ?? '') || active !== site.is_active;
  const industry = industries.data?.find((i) => i.id === site.industry_id);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title="General" description="The site's name and address.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        <ErrorAlert error={save.error} hideFields={['name', 'domain']} />
        <fieldset disabled={!canEdit || save.isPending} className="grid gap-4 sm:grid-cols-2">
          <Field label="Site name" error={fieldError(save.error, 'name')}>
            <Input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Website address" optional error={fieldError(save.error, 'domain')}>
            <Input value={domain} inputMode="url" placeholder="example.com" onChange={(e) => setDomain(e.target.value)} />
          </Field>
          <div className="sm:col-span-2">
            <Checkbox
              label="Active"
              description="Inactive sites keep their data but are skipped by automation and publishing."
              checked={active}
              onChange={(e) => setActive(e.target.checked)}
            />
          </div>
        </fieldset>
        <div className="flex flex-wrap items-center justify-between gap-3 border-t border-zinc-100 pt-4 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
          <span>
            Industry: <strong className="font-medium text-zinc-700 dark:text-zinc-200">{industry?.name ?? 'Not chosen'}</strong>{' '}
            · Added {formatDate(site.created_at)}
          </span>
          {canEdit && (
            <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
              Save changes
            </Button>
          )}
        </div>
      </form>
    </Card>
  );
}

function SectorsCard({ site, canEdit }: { site: Site; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const industries = useIndustries();
  const me = useMe();
  const sectorsQuery = useSiteSectors(site.id);
  const sectors = sectorsQuery.data ?? [];
  const max = me.data?.account.plan.max_sectors_per_site;
  const [industryId, setIndustryId] = useState(site.industry_id ? String(site.industry_id) : '');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [customName, setCustomName] = useState('');
  const [removing, setRemoving] = useState<Sector | null>(null);

  const industry = industries.data?.find((i) => String(i.id) === industryId) ?? null;
  const sameIndustry = industry?.id === site.industry_id;
  const activeCatalogue = sectors.filter((s) => s.is_active && s.industry_sector_id !== null);
  const currentSlugs = sameIndustry
    ? (industry?.sectors ?? []).filter((t) => activeCatalogue.some((s) => s.industry_sector_id === t.id)).map((t) => t.slug)
    : [];
  const selection = chosen ?? currentSlugs;
  const customActive = sectors.filter((s) => s.is_active && s.industry_sector_id === null).length;

  const refresh = (list?: Sector[]) => {
    if (list) queryClient.setQueryData(queryKeys.siteSectors(site.id), list);
    else void queryClient.invalidateQueries({ queryKey: queryKeys.siteSectors(site.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.site(site.id) });
    void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
  };

  const select = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/sites/{id}/select_sectors', {
        path: { id: site.id },
        body: { industry_slug: industry?.slug ?? '', sector_slugs: selection },
      }),
    onSuccess: (list) => {
      refresh(list);
      setChosen(null);
      toast.success('Sectors saved.');
    },
  });
  const addCustom = useMutation({
    mutationFn: () => api.post('/api/v1/auth/sectors', { body: { site_id: site.id, name: customName.trim() } }),
    onSuccess: () => {
      setCustomName('');
      refresh();
      toast.success('Sector added.');
    },
  });
  const toggle = useMutation({
    mutationFn: (s: Sector) => api.patch('/api/v1/auth/sectors/{id}', { path: { id: s.id }, body: { is_active: !s.is_active } }),
    onSuccess: () => refresh(),
    onError: (e) => toast.error(e.message),
  });
  const remove = useMutation({
    mutationFn: (s: Sector) => api.delete('/api/v1/auth/sectors/{id}', { path: { id: s.id } }),
    onSuccess: () => {
      setRemoving(null);
      refresh();
      toast.success('Sector deleted.');
    },
  });

  const dirty = chosen !== null || !sameIndustry;
  const atLimit = max !== undefined && selection.length + customActive >= max;

  return (
    <Card
      title="Sectors"
      description={
        max !== undefined
          ? `Topic areas for this site. Your plan allows ${max} active sectors per site.`
          : 'Topic areas for this site.'
      }
    >
      {sectorsQuery.isLoading ? (
        <LoadingBlock />
      ) : sectorsQuery.isError ? (
        <ErrorAlert error={sectorsQuery.error} />
      ) : (
        <div className="space-y-6">
          <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {sectors.length === 0 && <li className="px-4 py-4 text-sm text-zinc-500">No sectors yet.</li>}
            {sectors.map((s) => (
              <li key={s.id} className="flex flex-wrap items-center gap-3 px-4 py-2.5">
                <div className="min-w-0 flex-1">
                  <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">{s.name}</p>
                  <p className="text-xs text-zinc-500 dark:text-zinc-400">
                    {s.industry_sector_id === null ? 'Custom sector' : 'From the catalogue'}
                  </p>
                </div>
                {s.is_active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
                {canEdit && (
                  <div className="flex gap-1">
                    <Button
                      size="sm"
                      variant="ghost"
                      loading={toggle.isPending && toggle.variables?.id === s.id}
                      onClick={() => toggle.mutate(s)}
                    >
                      {s.is_active ? 'Deactivate' : 'Activate'}
                    </Button>
                    <Button size="sm" variant="ghost" aria-label={`Delete sector ${s.name}`} onClick={() => setRemoving(s)}>
                      <TrashIcon size={15} className="text-zinc-500" />
                    </Button>
                  </div>
                )}
              </li>
            ))}
          </ul>

          {canEdit && (
            <>
              <div className="space-y-3">
                <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Catalogue sectors</h3>
                <ErrorAlert error={select.error} />
                <Field label="Industry" className="max-w-sm">
                  <Select
                    value={industryId}
                    onChange={(e) => {
                      setIndustryId(e.target.value);
                      setChosen([]);
                    }}
                  >
                    <option value="">Choose an industry</option>
                    {industries.data?.map((i) => (
                      <option key={i.id} value={i.id}>
                        {i.name}
                      </option>
                    ))}
                  </Select>
                </Field>
                {industry && (
                  <div className="grid gap-2 sm:grid-cols-2">
                    {industry.sectors.map((t) => {
                      const checked = selection.includes(t.slug);
                      return (
                        <Checkbox
                          key={t.slug}
                          label={t.name}
                          checked={checked}
                          disabled={select.isPending || (!checked && atLimit)}
                          onChange={() =>
                            setChosen(checked ? selection.filter((x) => x !== t.slug) : [...selection, t.slug])
                          }
                        />
                      );
                    })}
                  </div>
                )}
                {!sameIndustry && industry && (
                  <Alert tone="warning">
                    Changing the industry deactivates this site's current catalogue sectors.
                  </Alert>
                )}
                <div className="flex justify-end">
                  <Button
                    variant="primary"
                    size="sm"
                    onClick={() => select.mutate()}
                    loading={select.isPending}
                    disabled={!industry || !dirty || selection.length === 0}
                  >
                    Save sectors
                  </Button>
                </div>
              </div>

              <form
                className="space-y-2 border-t border-zinc-100 pt-5 dark:border-zinc-800"
                onSubmit={(e) => {
                  e.preventDefault();
                  addCustom.mutate();
                }}
                noValidate
              >
                <h3 className="text-sm font-semibold text-zinc-900 dark:text-zinc-100">Custom sector</h3>
                <ErrorAlert error={addCustom.error} hideFields={['name']} />
                <div className="flex flex-wrap items-start gap-2">
                  <Field label={<span className="sr-only">Custom sector name</span>} error={fieldError(addCustom.error, 'name')} className="min-w-48 flex-1 space-y-0">
                    <Input
                      value={customName}
                      placeholder="e.g. Local news"
                      disabled={addCustom.isPending}
                      onChange={(e) => setCustomName(e.target.value)}
                    />
                  </Field>
                  <Button type="submit" loading={addCustom.isPending} disabled={!customName.trim()}>
                    Add sector
                  </Button>
                </div>
              </form>
            </>
          )}
        </div>
      )}
      <ConfirmDialog
        open={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        onConfirm={() => removing && remove.mutate(removing)}
        title={`Delete ${removing?.name ?? 'sector'}?`}
        confirmLabel="Delete sector"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>Everything planned or written in this sector is deleted with it. To keep the data, deactivate it instead.</p>
      </ConfirmDialog>
    </Card>
  );
}

function ApiKeyCard({ site, canEdit }: { site: Site; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [fresh, setFresh] = useState<ApiKey | null>(null);
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);

  const create = useMutation({
    mutationFn: () => api.post('/api/v1/auth/sites/{id}/api_key', { path: { id: site.id } }),
    onSuccess: (key) => {
      setFresh(key);
      setConfirm(null);
      void queryClient.invalidateQueries({ queryKey: queryKeys.site(site.id) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
    },
  });
  const revoke = useMutation({
    mutationFn: () => api.delete('/api/v1/auth/sites/{id}/api_key', { path: { id: site.id } }),
    onSuccess: (updated) => {
      setFresh(null);
      setConfirm(null);
      queryClient.setQueryData(queryKeys.site(site.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.sites });
      toast.success('API key revoked.');
    },
  });

  return (
    <Card
      title="API key"
      description={
        <>
          The WordPress plugin and scripts send it as{' '}
          <code className="font-mono text-xs">Authorization: ApiKey &lt;key&gt;</code>.
        </>
      }
    >
      <div className="space-y-4">
        {fresh && (
          <Alert tone="success" title="Copy your new API key now">
            <p>It is shown only once. Store it somewhere safe; if you lose it, rotate the key.</p>
            <div className="mt-3 flex flex-wrap items-center gap-2">
              <code
                className="min-w-0 flex-1 rounded-md border border-emerald-200 bg-white px-3 py-2 font-mono text-[13px] break-all text-zinc-900 select-all dark:border-emerald-900 dark:bg-zinc-950 dark:text-zinc-100"
                data-testid="api-key-value"
              >
                {fresh.api_key}
              </code>
              <CopyButton value={fresh.api_key} />
            </div>
          </Alert>
        )}
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex items-center gap-3 text-sm">
            <span className="flex size-9 items-center justify-center rounded-lg bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400">
              <KeyIcon size={18} />
            </span>
            {site.has_api_key ? (
              <span>
                Key starting with{' '}
                <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{site.api_key_prefix}</code>
              </span>
            ) : (
              <span className="text-zinc-500 dark:text-zinc-400">No API key yet.</span>
            )}
          </div>
          {canEdit && (
            <div className="flex gap-2">
              {site.has_api_key ? (
                <>
                  <Button onClick={() => setConfirm('rotate')}>Rotate</Button>
                  <Button variant="ghost" className="text-red-600 dark:text-red-400" onClick={() => setConfirm('revoke')}>
                    Revoke
                  </Button>
                </>
              ) : (
                <Button variant="primary" loading={create.isPending} onClick={() => create.mutate()}>
                  Create API key
                </Button>
              )}
            </div>
          )}
        </div>
        {!confirm && <ErrorAlert error={create.error} />}
      </div>
      <ConfirmDialog
        open={confirm === 'rotate'}
        onClose={() => setConfirm(null)}
        onConfirm={() => create.mutate()}
        title="Rotate the API key?"
        confirmLabel="Rotate key"
        pending={create.isPending}
        error={create.error}
      >
        <p>A new key is created and the current one stops working at once. Update the WordPress plugin afterwards.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === 'revoke'}
        onClose={() => setConfirm(null)}
        onConfirm={() => revoke.mutate()}
        title="Revoke the API key?"
        confirmLabel="Revoke key"
        pending={revoke.isPending}
        error={revoke.error}
      >
        <p>The key stops working at once; anything using it (such as the WordPress plugin) loses access.</p>
      </ConfirmDialog>
    </Card>
  );
}

export default function SiteDetail() {
  const params = useParams();
  const id = Number(params.siteId);
  const valid = Number.isInteger(id) && id > 0;
  const navigate = useNavigate();
  const me = useMe();
  const site = useSite(valid ? id : null);
  const canEdit = isAdminRole(me.data?.user.role);
  const del = useDeleteSite(() => navigate('/settings/sites', { replace: true }));

  const back = (
    <Link
      to="/settings/sites"
      className="mb-4 inline-flex items-center gap-1 text-sm text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100"
    >
      <ChevronLeftIcon size={16} /> All sites
    </Link>
  );

  if (!valid) {
    return (
      <>
        {back}
        <Alert tone="error">That is not a site address.</Alert>
      </>
    );
  }
  if (site.isLoading) return <LoadingBlock />;
  if (site.isError || !site.data) {
    return (
      <>
        {back}
        <ErrorAlert error={site.error} />
      </>
    );
  }
  const s = site.data;
  return (
    <>
      {back}
      <PageHeader
        eyebrow="Settings · Sites"
        title={s.name}
        description={s.domain ?? undefined}
        actions={s.is_active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>}
      />
      {!canEdit && (
        <Alert tone="info" className="mb-5">
          Only owners and admins can change sites.
        </Alert>
      )}
      <div className="space-y-5">
        <GeneralCard site={s} canEdit={canEdit} />
        <SectorsCard site={s} canEdit={canEdit} />
        <ApiKeyCard site={s} canEdit={canEdit} />
        {canEdit && (
          <Card title="Delete site" className="border-red-200 dark:border-red-900/60">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <p className="text-sm text-zinc-600 dark:text-zinc-300">
                Deletes the site with its sectors and everything planned or written for it.
              </p>
              <Button variant="danger" onClick={() => del.ask(s)}>
                Delete site
              </Button>
            </div>
          </Card>
        )}
      </div>
      {del.dialog}
    </>
  );
}
