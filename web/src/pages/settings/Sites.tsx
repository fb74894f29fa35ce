import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { queryKeys, useIndustries, useMe } from '../../api/queries';
import { isAdminRole, type Site } from '../../api/types';
import { DataTable, type Column } from '../../components/DataTable';
import { GlobeIcon, PlusIcon, TrashIcon } from '../../components/icons';
import { Modal } from '../../components/overlays';
import { useDeleteSite } from '../../lib/useDeleteSite';
import { SiteForm } from '../../components/SiteForm';
import { Badge, Button, EmptyState, PageHeader, formatDate } from '../../components/ui';
import { toast } from '../../stores/toast';

export default function Sites() {
  const me = useMe();
  const industries = useIndustries();
  const navigate = useNavigate();
  const [adding, setAdding] = useState(false);
  const admin = isAdminRole(me.data?.user.role);
  const del = useDeleteSite();
  const plan = me.data?.account.plan;

  const industryName = (id: number | null | undefined) =>
    industries.data?.find((i) => i.id === id)?.name ?? (id ? '…' : '—');

  const columns: Column<Site>[] = [
    {
      key: 'name',
      header: 'Site',
      sortKey: 'name',
      cell: (s) => (
        <div className="min-w-0">
          <Link
            to={`/settings/sites/${s.id}`}
            className="font-medium text-zinc-900 hover:text-accent-700 hover:underline dark:text-zinc-100 dark:hover:text-accent-300"
          >
            {s.name}
          </Link>
          <p className="truncate text-[13px] text-zinc-500 dark:text-zinc-400">
            {s.domain?.replace(/^https?:\/\//, '') ?? 'No address'}
          </p>
        </div>
      ),
    },
    { key: 'industry', header: 'Industry', hideBelow: 'md', cell: (s) => industryName(s.industry_id) },
    {
      key: 'api_key',
      header: 'API key',
      hideBelow: 'lg',
      cell: (s) =>
        s.has_api_key ? (
          <code className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">
            {s.api_key_prefix}…
          </code>
        ) : (
          <span className="text-zinc-400">None</span>
        ),
    },
    {
      key: 'status',
      header: 'Status',
      hideBelow: 'sm',
      cell: (s) => (s.is_active ? <Badge tone="success">Active</Badge> : <Badge>Inactive</Badge>),
    },
    { key: 'created', header: 'Added', sortKey: 'created_at', hideBelow: 'md', cell: (s) => formatDate(s.created_at) },
    {
      key: 'actions',
      header: <span className="sr-only">Actions</span>,
      className: 'w-px text-right',
      cell: (s) => (
        <div className="flex justify-end gap-1">
          <Button size="sm" variant="ghost" onClick={() => navigate(`/settings/sites/${s.id}`)}>
            {admin ? 'Edit' : 'View'}
          </Button>
          {admin && (
            <Button size="sm" variant="ghost" aria-label={`Delete ${s.name}`} onClick={() => del.ask(s)}>
              <TrashIcon size={15} className="text-zinc-500" />
            </Button>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        eyebrow="Settings"
        title="Sites"
        description={
          plan
            ? `Each site has an industry, its sectors and an API key for WordPress. Your ${plan.name} plan allows ${plan.max_sites} site${plan.max_sites === 1 ? '' : 's'}.`
            : 'Each site has an industry, its sectors and an API key for WordPress.'
        }
        actions={
          admin && (
            <Button variant="primary" onClick={() => setAdding(true)}>
              <PlusIcon size={16} /> Add site
            </Button>
          )
        }
      />
      <DataTable<Site>
        label="Sites"
        queryKey={queryKeys.sites}
        fetchPage={(q) => api.get('/api/v1/auth/sites', { query: q })}
        columns={columns}
        rowKey={(s) => s.id}
        initialOrdering="name"
        searchPlaceholder="Search by name or address"
        empty={
          <EmptyState
            icon={<GlobeIcon size={22} />}
            title="No sites yet"
            action={
              admin && (
                <Button variant="primary" onClick={() => setAdding(true)}>
                  <PlusIcon size={16} /> Add site
                </Button>
              )
            }
          >
            Add a site to start planning content for it.
          </EmptyState>
        }
      />
      <Modal open={adding} onClose={() => setAdding(false)} title="Add a site" size="lg">
        <SiteForm
          submitLabel="Create site"
          secondaryAction={<Button onClick={() => setAdding(false)}>Cancel</Button>}
          onCreated={({ site }) => {
            setAdding(false);
            toast.success(`Created ${site.name}.`);
          }}
        />
      </Modal>
      {del.dialog}
    </>
  );
}
