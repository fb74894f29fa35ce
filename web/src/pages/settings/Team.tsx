import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { queryKeys, useAllSites, useMe, useTeam } from '../../api/queries';
import { isAdminRole, type Site, type TeamMember } from '../../api/types';
import { PlusIcon, UsersIcon } from '../../components/icons';
import { ConfirmDialog, Modal } from '../../components/overlays';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  ErrorAlert,
  Field,
  Input,
  LoadingBlock,
  PageHeader,
  Select,
  fieldError,
} from '../../components/ui';
import { toast } from '../../stores/toast';

const ROLES = [
  { value: 'viewer', label: 'Viewer', hint: 'Reads everything on the sites granted to them.' },
  { value: 'editor', label: 'Editor', hint: 'Plans and writes content on the sites granted to them.' },
  { value: 'admin', label: 'Admin', hint: 'Manages the team, sites and billing; sees every site.' },
  { value: 'owner', label: 'Owner', hint: 'Full control of the account.' },
] as const;

const seesAllSites = (role: string) => isAdminRole(role);
const displayName = (m: TeamMember) => `${m.first_name} ${m.last_name}`.trim() || m.email;

function SitePicker({
  sites,
  value,
  onChange,
  disabled,
  error,
}: {
  sites: Site[];
  value: number[];
  onChange: (ids: number[]) => void;
  disabled?: boolean;
  error?: string;
}) {
  return (
    <fieldset disabled={disabled} aria-describedby={error ? 'site-grants-error' : undefined}>
      <legend className="mb-2 text-sm font-medium text-zinc-800 dark:text-zinc-200">Site access</legend>
      {sites.length === 0 ? (
        <p className="text-sm text-zinc-500">No sites yet.</p>
      ) : (
        <div className="grid max-h-48 gap-2 overflow-y-auto sm:grid-cols-2">
          {sites.map((s) => (
            <Checkbox
              key={s.id}
              label={s.name}
              checked={value.includes(s.id)}
              onChange={(e) => onChange(e.target.checked ? [...value, s.id] : value.filter((id) => id !== s.id))}
            />
          ))}
        </div>
      )}
      {error && (
        <p id="site-grants-error" className="mt-2 text-[13px] text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function InviteDialog({ open, onClose, sites }: { open: boolean; onClose: () => void; sites: Site[] }) {
  const queryClient = useQueryClient();
  const empty = { email: '', first_name: '', last_name: '', role: 'editor', site_ids: [] as number[] };
  const [form, setForm] = useState(empty);
  const invite = useMutation({
    mutationFn: () =>
      api.post('/api/v1/account/team', {
        body: {
          email: form.email.trim(),
          role: form.role,
          first_name: form.first_name.trim(),
          last_name: form.last_name.trim(),
          site_ids: seesAllSites(form.role) ? [] : form.site_ids,
        },
      }),
    onSuccess: (member) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.team });
      toast.success(`Invitation sent to ${member.email}.`);
      setForm(empty);
      onClose();
    },
  });
  const close = () => {
    if (invite.isPending) return;
    invite.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    invite.mutate();
  };
  const err = invite.error;
  const role = ROLES.find((r) => r.value === form.role);
  return (
    <Modal
      open={open}
      onClose={close}
      dismissible={!invite.isPending}
      title="Invite a team member"
      description="They get an email with a link to set their password."
      footer={
        <>
          <Button onClick={close} disabled={invite.isPending}>
            Cancel
          </Button>
          <Button variant="primary" type="submit" form="invite-form" loading={invite.isPending}>
            Send invitation
          </Button>
        </>
      }
    >
      <form id="invite-form" onSubmit={submit} className="space-y-4" noValidate>
        <ErrorAlert error={err} hideFields={['email', 'role', 'first_name', 'last_name', 'site_ids']} />
        <fieldset disabled={invite.isPending} className="space-y-4">
          <Field label="Email" error={fieldError(err, 'email')}>
            <Input
              type="email"
              name="invite-email"
              autoComplete="off"
              value={form.email}
              onChange={(e) => setForm({ ...form, email: e.target.value })}
              data-autofocus
            />
          </Field>
          <div className="grid grid-cols-2 gap-3">
            <Field label="First name" optional error={fieldError(err, 'first_name')}>
              <Input value={form.first_name} onChange={(e) => setForm({ ...form, first_name: e.target.value })} />
            </Field>
            <Field label="Last name" optional error={fieldError(err, 'last_name')}>
              <Input value={form.last_name} onChange={(e) => setForm({ ...form, last_name: e.target.value })} />
            </Field>
          </div>
          <Field label="Role" hint={role?.hint} error={fieldError(err, 'role')}>
            <Select name="invite-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value })}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </Select>
          </Field>
          {seesAllSites(form.role) ? (
            <p className="text-sm text-zinc-500 dark:text-zinc-400">{role?.label}s see every site.</p>
          ) : (
            <SitePicker
              sites={sites}
              value={form.site_ids}
              onChange={(site_ids) => setForm({ ...form, site_ids })}
              error={fieldError(err, 'site_ids')}
            />
          )}
        </fieldset>
      </form>
    </Modal>
  );
}

function AccessDialog({ member, onClose, sites }: { member: TeamMember | null; onClose: () => void; sites: Site[] }) {
  const queryClient = useQueryClient();
  const [ids, setIds] = useState<number[] | null>(null);
  const value = ids ?? member?.site_ids ?? [];
  const save = useMutation({
    mutationFn: () => api.patch('/api/v1/account/team/{id}', { path: { id: member!.id }, body: { site_ids: value } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.team });
      toast.success('Site access saved.');
      setIds(null);
      onClose();
    },
  });
  const close = () => {
    setIds(null);
    save.reset();
    onClose();
  };
  return (
    <Modal
      open={member !== null}
      onClose={close}
      dismissible={!save.isPending}
      title={`Site access for ${member ? displayName(member) : ''}`}
      footer={
        <>
          <Button onClick={close} disabled={save.isPending}>
            Cancel
          </Button>
          <Button variant="primary" onClick={() => save.mutate()} loading={save.isPending}>
            Save access
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <ErrorAlert error={save.error} />
        <SitePicker sites={sites} value={value} onChange={setIds} disabled={save.isPending} />
      </div>
    </Modal>
  );
}

function StatusBadge({ member }: { member: TeamMember }) {
  if (!member.is_active) return <Badge tone="danger">Deactivated</Badge>;
  if (!member.has_password) return <Badge tone="warning">Invited</Badge>;
  return <Badge tone="success">Active</Badge>;
}

export default function Team() {
  const queryClient = useQueryClient();
  const me = useMe();
  const team = useTeam();
  const sitesQuery = useAllSites();
  const sites = sitesQuery.data?.results ?? [];
  const [inviting, setInviting] = useState(false);
  const [access, setAccess] = useState<TeamMember | null>(null);
  const [removing, setRemoving] = useState<TeamMember | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const myId = me.data?.user.id;
  const admin = isAdminRole(me.data?.user.role);
  const plan = me.data?.account.plan;

  const update = useMutation({
    mutationFn: (v: { member: TeamMember; body: { role?: string; is_active?: boolean } }) =>
      api.patch('/api/v1/account/team/{id}', { path: { id: v.member.id }, body: v.body }),
    onMutate: () => setActionError(null),
    onSuccess: (member, v) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.team });
      if (v.body.role) toast.success(`${displayName(member)} is now ${v.body.role}.`);
      else toast.success(`${displayName(member)} ${member.is_active ? 'reactivated' : 'deactivated'}.`);
    },
    onError: (e) => setActionError(e),
  });
  const endSessions = useMutation({
    mutationFn: (member: TeamMember) =>
      api.post('/api/v1/account/team/{id}/end_sessions', { path: { id: member.id } }),
    onMutate: () => setActionError(null),
    onSuccess: (out, member) =>
      toast.success(`Signed ${displayName(member)} out of ${out.ended === 1 ? '1 session' : `${out.ended} sessions`}.`),
    onError: (e) => setActionError(e),
  });
  const remove = useMutation({
    mutationFn: (member: TeamMember) => api.delete('/api/v1/account/team/{id}', { path: { id: member.id } }),
    onSuccess: (_, member) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.team });
      toast.success(`Removed ${displayName(member)}.`);
      setRemoving(null);
    },
  });

  const siteNames = (ids: number[]) =>
    ids.length === 0 ? 'No sites' : ids.map((id) => sites.find((s) => s.id === id)?.name ?? `#${id}`).join(', ');
  const members = team.data ?? [];

  return (
    <>
      <PageHeader
        eyebrow="Settings"
        title="Team"
        description={
          plan
            ? `People in your account and what they can do. ${members.length} of ${plan.max_users} seats used on the ${plan.name} plan.`
            : 'People in your account and what they can do.'
        }
        actions={
          admin && (
            <Button variant="primary" onClick={() => setInviting(true)}>
              <PlusIcon size={16} /> Invite member
            </Button>
          )
        }
      />
      {!admin && me.data && (
        <Alert tone="info" className="mb-5">
          Only owners and admins can invite or change team members.
        </Alert>
      )}
      {actionError !== null && (
        <div className="mb-5">
          <ErrorAlert error={actionError} />
        </div>
      )}
      <Card bodyClassName="p-0">
        {team.isLoading ? (
          <LoadingBlock />
        ) : team.isError ? (
          <div className="p-4">
            <ErrorAlert error={team.error} />
          </div>
        ) : members.length === 0 ? (
          <EmptyState icon={<UsersIcon size={22} />} title="No team members" />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm" aria-label="Team members">
              <thead className="bg-zinc-50 text-xs font-medium text-zinc-500 dark:bg-zinc-900/60 dark:text-zinc-400">
                <tr>
                  <th scope="col" className="border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">Member</th>
                  <th scope="col" className="border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">Role</th>
                  <th scope="col" className="hidden border-b border-zinc-200 px-4 py-2.5 md:table-cell dark:border-zinc-800">Sites</th>
                  <th scope="col" className="hidden border-b border-zinc-200 px-4 py-2.5 sm:table-cell dark:border-zinc-800">Status</th>
                  <th scope="col" className="border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {members.map((m) => {
                  const self = m.id === myId;
                  const busy = update.isPending && update.variables?.member.id === m.id;
                  return (
                    <tr key={m.id} data-testid={`member-${m.email}`}>
                      <td className="px-4 py-3">
                        <p className="font-medium text-zinc-900 dark:text-zinc-100">
                          {displayName(m)}
                          {self && <span className="ml-1.5 text-xs font-normal text-zinc-500">(you)</span>}
                        </p>
                        {displayName(m) !== m.email && <p className="text-[13px] text-zinc-500 dark:text-zinc-400">{m.email}</p>}
                      </td>
                      <td className="px-4 py-3">
                        {admin && !self ? (
                          <Select
                            aria-label={`Role of ${displayName(m)}`}
                            value={m.role}
                            disabled={busy}
                            onChange={(e) => update.mutate({ member: m, body: { role: e.target.value } })}
                            className="h-8 w-28 py-0 text-[13px]"
                          >
                            {ROLES.map((r) => (
                              <option key={r.value} value={r.value}>
                                {r.label}
                              </option>
                            ))}
                          </Select>
                        ) : (
                          <span className="capitalize">{m.role}</span>
                        )}
                      </td>
                      <td className="hidden max-w-64 px-4 py-3 text-zinc-600 md:table-cell dark:text-zinc-300">
                        {seesAllSites(m.role) ? (
                          'All sites'
                        ) : (
                          <span className="flex items-center gap-2">
                            <span className="truncate">{siteNames(m.site_ids)}</span>
                            {admin && (
                              <button
                                type="button"
                                className="shrink-0 text-[13px] font-medium text-accent-600 hover:underline dark:text-accent-400"
                                onClick={() => setAccess(m)}
                              >
                                Edit
                              </button>
                            )}
                          </span>
                        )}
                      </td>
                      <td className="hidden px-4 py-3 sm:table-cell">
                        <StatusBadge member={m} />
                      </td>
                      <td className="px-4 py-3 text-right whitespace-nowrap">
                        {admin && !self && (
                          <div className="flex justify-end gap-1">
                            <Button
                              size="sm"
                              variant="ghost"
                              loading={busy && update.variables?.body.is_active !== undefined}
                              disabled={busy}
                              onClick={() => update.mutate({ member: m, body: { is_active: !m.is_active } })}
                            >
                              {m.is_active ? 'Deactivate' : 'Reactivate'}
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              title="End every session of this member; they sign in again"
                              loading={endSessions.isPending && endSessions.variables?.id === m.id}
                              onClick={() => endSessions.mutate(m)}
                            >
                              Sign out
                            </Button>
                            <Button
                              size="sm"
                              variant="ghost"
                              className="text-red-600 dark:text-red-400"
                              onClick={() => {
                                remove.reset();
                                setRemoving(m);
                              }}
                            >
                              Remove
                            </Button>
                          </div>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <InviteDialog open={inviting} onClose={() => setInviting(false)} sites={sites} />
      <AccessDialog member={access} onClose={() => setAccess(null)} sites={sites} />
      <ConfirmDialog
        open={removing !== null}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing)}
        title={`Remove ${removing ? displayName(removing) : ''}?`}
        confirmLabel="Remove member"
        pending={remove.isPending}
        error={remove.error}
      >
        <p>They lose access to this account at once. You can invite them again later.</p>
      </ConfirmDialog>
    </>
  );
}
