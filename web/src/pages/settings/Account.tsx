import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { queryKeys, useAccountSettings, useMe } from '../../api/queries';
import { isAdminRole, type Account } from '../../api/types';
import {
  Alert,
  Badge,
  Button,
  Card,
  ErrorAlert,
  Field,
  Input,
  LoadingBlock,
  PageHeader,
  Select,
  fieldError,
  formatDate,
  formatNumber,
} from '../../components/ui';
import { useAuthStore } from '../../stores/auth';
import { toast } from '../../stores/toast';
import { AccountSecurityCard, SessionsCard, TwoFactorCard } from './Security';

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  } catch {
    zones = [];
  }
  if (!zones.includes('UTC')) zones = ['UTC', ...zones];
  if (current && !zones.includes(current)) zones = [current, ...zones];
  return zones;
}

function AccountForm({ account, canEdit }: { account: Account; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(account.name);
  const [timezone, setTimezone] = useState(account.timezone);
  const [billingEmail, setBillingEmail] = useState(account.billing_email ?? '');
  useEffect(() => {
    setName(account.name);
    setTimezone(account.timezone);
    setBillingEmail(account.billing_email ?? '');
  }, [account]);
  const zones = useMemo(() => timeZones(account.timezone), [account.timezone]);

  const save = useMutation({
    mutationFn: () =>
      api.patch('/api/v1/account/settings', {
        body: { name: name.trim(), timezone, billing_email: billingEmail.trim() || null },
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.account, updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      toast.success('Account saved.');
    },
  });
  const dirty =
    name !== account.name || timezone !== account.timezone || billingEmail !== (account.billing_email ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card title="Account" description="Shared by everyone in your team.">
      <form onSubmit={submit} className="space-y-4" noValidate>
        {!canEdit && <Alert tone="info">Only owners and admins can change these settings.</Alert>}
        <ErrorAlert error={save.error} hideFields={['name', 'timezone', 'billing_email']} />
        <fieldset disabled={!canEdit || save.isPending} className="grid gap-4 sm:grid-cols-2">
          <Field label="Account name" error={fieldError(save.error, 'name')}>
            <Input value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <Field label="Time zone" hint="Used for schedules and reports." error={fieldError(save.error, 'timezone')}>
            <Select value={timezone} onChange={(e) => setTimezone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z.replace(/_/g, ' ')}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="Billing email"
            optional
            hint="Where invoices go."
            error={fieldError(save.error, 'billing_email')}
            className="sm:col-span-2"
          >
            <Input type="email" value={billingEmail} onChange={(e) => setBillingEmail(e.target.value)} />
          </Field>
        </fieldset>
        {canEdit && (
          <div className="flex justify-end">
            <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
              Save changes
            </Button>
          </div>
        )}
      </form>
    </Card>
  );
}

function PlanCard({ account }: { account: Account }) {
  const plan = account.plan;
  const rows: Array<[string, string]> = [
    ['Sites', formatNumber(plan.max_sites)],
    ['Team members', formatNumber(plan.max_users)],
    ['Keywords', formatNumber(plan.max_keywords)],
    ['Sectors per site', formatNumber(plan.max_sectors_per_site)],
    ['Credits per period', formatNumber(plan.included_credits)],
  ];
  return (
    <Card
      title="Plan and credits"
      description="Upgrades and credit packages arrive with billing."
      actions={<Badge tone="accent">{plan.name}</Badge>}
    >
      <div className="grid gap-6 sm:grid-cols-2">
        <div>
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Credit balance</p>
          <p className="mt-1 text-3xl font-semibold tracking-tight tabular-nums">
            {formatNumber(account.credits + account.bonus_credits)}
          </p>
          <dl className="mt-3 space-y-1 text-sm">
            <div className="flex justify-between">
              <dt className="text-zinc-500 dark:text-zinc-400">Plan credits (renew each period)</dt>
              <dd className="tabular-nums">{formatNumber(account.credits)}</dd>
            </div>
            <div className="flex justify-between">
              <dt className="text-zinc-500 dark:text-zinc-400">Bonus credits (never expire)</dt>
              <dd className="tabular-nums">{formatNumber(account.bonus_credits)}</dd>
            </div>
          </dl>
        </div>
        <div>
          <p className="text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
            {plan.name} plan · {plan.price_cents === 0 ? 'Free' : `$${(plan.price_cents / 100).toFixed(0)}/month`}
          </p>
          <dl className="mt-2 space-y-1 text-sm">
            {rows.map(([label, value]) => (
              <div key={label} className="flex justify-between">
                <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
                <dd className="tabular-nums">{value}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
      <p className="mt-5 border-t border-zinc-100 pt-4 text-[13px] text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        Account status: <span className="capitalize">{account.status}</span> · Created {formatDate(account.created_at)}
      </p>
    </Card>
  );
}

function ProfileCard() {
  const queryClient = useQueryClient();
  const me = useMe();
  const setUser = useAuthStore((s) => s.setUser);
  const user = me.data?.user;
  const [first, setFirst] = useState(user?.first_name ?? '');
  const [last, setLast] = useState(user?.last_name ?? '');
  useEffect(() => {
    setFirst(user?.first_name ?? '');
    setLast(user?.last_name ?? '');
  }, [user]);
  const save = useMutation({
    mutationFn: () => api.patch('/api/v1/auth/me', { body: { first_name: first.trim(), last_name: last.trim() } }),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.me, updated);
      setUser(updated.user);
      void queryClient.invalidateQueries({ queryKey: queryKeys.team });
      toast.success('Profile saved.');
    },
  });
  if (!user) return null;
  const dirty = first !== user.first_name || last !== user.last_name;
  return (
    <Card title="Your profile" description={`Signed in as ${user.email} (${user.role}).`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
        className="space-y-4"
        noValidate
      >
        <ErrorAlert error={save.error} hideFields={['first_name', 'last_name']} />
        <fieldset disabled={save.isPending} className="grid gap-4 sm:grid-cols-2">
          <Field label="First name" error={fieldError(save.error, 'first_name')}>
            <Input autoComplete="given-name" value={first} onChange={(e) => setFirst(e.target.value)} />
          </Field>
          <Field label="Last name" error={fieldError(save.error, 'last_name')}>
            <Input autoComplete="family-name" value={last} onChange={(e) => setLast(e.target.value)} />
          </Field>
        </fieldset>
        <div className="flex justify-end">
          <Button type="submit" variant="primary" loading={save.isPending} disabled={!dirty}>
            Save profile
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordCard() {
  const setSession = useAuthStore((s) => s.setSession);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/password/change', { body: { current_password: current, new_password: next } }),
    onSuccess: (session) => {
      // Other sessions are signed out; this one continues with the new tokens.
      setSession(session);
      setCurrent('');
      setNext('');
      toast.success('Password changed. Other devices were signed out.');
    },
  });
  return (
    <Card title="Password" description="Changing it signs you out everywhere else.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate();
        }}
        className="space-y-4"
        noValidate
      >
        <ErrorAlert error={change.error} hideFields={['current_password', 'new_password']} />
        <fieldset disabled={change.isPending} className="grid gap-4 sm:grid-cols-2">
          <Field label="Current password" error={fieldError(change.error, 'current_password')}>
            <Input type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} />
          </Field>
          <Field label="New password" hint="At least 8 characters." error={fieldError(change.error, 'new_password')}>
            <Input type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
          </Field>
        </fieldset>
        <div className="flex justify-end">
          <Button type="submit" variant="primary" loading={change.isPending} disabled={!current || !next}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}

export default function AccountSettings() {
  const me = useMe();
  const account = useAccountSettings();
  const canEdit = isAdminRole(me.data?.user.role);
  return (
    <>
      <PageHeader eyebrow="Settings" title="Account" description="Your account, plan and profile." />
      {account.isLoading ? (
        <LoadingBlock />
      ) : account.isError || !account.data ? (
        <ErrorAlert error={account.error} />
      ) : (
        <div className="space-y-5">
          <AccountForm account={account.data} canEdit={canEdit} />
          <PlanCard account={account.data} />
          <ProfileCard />
          <PasswordCard />
          <TwoFactorCard />
          <SessionsCard />
          {canEdit && <AccountSecurityCard isOwner={me.data?.user.role === 'owner'} />}
        </div>
      )}
    </>
  );
}
