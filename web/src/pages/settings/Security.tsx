// Account security on the Account page: two-factor sign-in, the sessions list, and (owners) the account-wide
// two-factor requirement.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../../api';
import type { TwoFactorSetup } from '../../api/types';
import { Badge, Button, Card, Checkbox, ErrorAlert, Field, Input, LoadingBlock, fieldError, formatDate } from '../../components/ui';
import { toast } from '../../stores/toast';
import { RecoveryCodes, TwoFactorSetupView } from '../auth/TwoFactorSetupView';

const keys = {
  twoFactor: ['auth', 'two_factor'] as const,
  sessions: ['auth', 'sessions'] as const,
  accountSecurity: ['account', 'security'] as const,
};

export function TwoFactorCard() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: keys.twoFactor, queryFn: () => api.get('/api/v1/auth/two_factor') });
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.twoFactor });
    void queryClient.invalidateQueries({ queryKey: keys.sessions });
  };

  const start = useMutation({ mutationFn: () => api.post('/api/v1/auth/two_factor/setup'), onSuccess: setSetup });
  const enable = useMutation({
    mutationFn: () => api.post('/api/v1/auth/two_factor/enable', { body: { code: code.trim() } }),
    onSuccess: (out) => {
      setCodes(out.recovery_codes);
      setSetup(null);
      setCode('');
      refresh();
      toast.success('Two-factor sign-in is on. Other devices were signed out.');
    },
  });
  const disable = useMutation({
    mutationFn: () => api.post('/api/v1/auth/two_factor/disable', { body: { password, code: code.trim() } }),
    onSuccess: () => {
      setPassword('');
      setCode('');
      setCodes(null);
      refresh();
      toast.success('Two-factor sign-in is off. Other devices were signed out.');
    },
  });
  const regenerate = useMutation({
    mutationFn: () => api.post('/api/v1/auth/two_factor/recovery_codes', { body: { password, code: code.trim() } }),
    onSuccess: (out) => {
      setCodes(out.recovery_codes);
      setPassword('');
      setCode('');
      refresh();
    },
  });

  const data = status.data;
  return (
    <div data-testid="two-factor-card">
      <Card
        title="Two-factor sign-in"
        description="A code from an authenticator app on your phone, asked after your password."
        actions={
          data ? (
            data.enabled ? <Badge tone="success">On</Badge> : <Badge tone="neutral">Off</Badge>
          ) : undefined
        }
      >
        {status.isLoading ? (
          <LoadingBlock />
        ) : status.isError || !data ? (
          <ErrorAlert error={status.error} />
        ) : (
          <div className="space-y-4">
            {codes && <RecoveryCodes codes={codes} />}
            {!data.enabled && !setup && (
              <div className="flex flex-wrap items-center justify-between gap-3">
                <p className="text-[13px] text-zinc-600 dark:text-zinc-300">
                  {data.required_by_account
                    ? 'Your account requires two-factor sign-in.'
                    : 'Protect your sign-in with a second step.'}
                </p>
                <ErrorAlert error={start.error} />
                <Button variant="primary" loading={start.isPending} onClick={() => start.mutate()}>
                  Set up two-factor sign-in
                </Button>
              </div>
            )}
            {!data.enabled && setup && (
              <form
                className="space-y-4"
                noValidate
                onSubmit={(e) => {
                  e.preventDefault();
                  enable.mutate();
                }}
              >
                <TwoFactorSetupView setup={setup} />
                <ErrorAlert error={enable.error} hideFields={['code']} />
                <div className="flex flex-wrap items-end gap-3">
                  <Field label="Code from the app" error={fieldError(enable.error, 'code')} className="w-48">
                    <Input
                      name="code"
                      inputMode="numeric"
                      autoComplete="one-time-code"
                      value={code}
                      onChange={(e) => setCode(e.target.value)}
                    />
                  </Field>
                  <Button type="submit" variant="primary" loading={enable.isPending} disabled={!code.trim()}>
                    Turn on
                  </Button>
                  <Button variant="ghost" onClick={() => setSetup(null)}>
                    Cancel
                  </Button>
                </div>
              </form>
            )}
            {data.enabled && (
              <form className="space-y-4" noValidate onSubmit={(e) => e.preventDefault()}>
                <p className="text-[13px] text-zinc-600 dark:text-zinc-300">
                  On since {formatDate(data.enabled_at)} · {data.recovery_codes_left} recovery code
                  {data.recovery_codes_left === 1 ? '' : 's'} left. To turn it off or get new recovery codes, confirm with
                  your password and a code.
                </p>
                <ErrorAlert error={disable.error ?? regenerate.error} hideFields={['password', 'code']} />
                <div className="grid gap-4 sm:grid-cols-2">
                  <Field label="Password" error={fieldError(disable.error ?? regenerate.error, 'password')}>
                    <Input
                      type="password"
                      name="two-factor-password"
                      autoComplete="current-password"
                      value={password}
                      onChange={(e) => setPassword(e.target.value)}
                    />
                  </Field>
                  <Field label="Code (or a recovery code)" error={fieldError(disable.error ?? regenerate.error, 'code')}>
                    <Input name="code" autoComplete="one-time-code" value={code} onChange={(e) => setCode(e.target.value)} />
                  </Field>
                </div>
                <div className="flex flex-wrap justify-end gap-2">
                  <Button
                    loading={regenerate.isPending}
                    disabled={!password || !code.trim()}
                    onClick={() => regenerate.mutate()}
                  >
                    New recovery codes
                  </Button>
                  <Button
                    variant="danger"
                    loading={disable.isPending}
                    disabled={!password || !code.trim() || data.required_by_account}
                    title={data.required_by_account ? 'Your account requires two-factor sign-in.' : undefined}
                    onClick={() => disable.mutate()}
                  >
                    Turn off
                  </Button>
                </div>
              </form>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}

export function SessionsCard() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: keys.sessions, queryFn: () => api.get('/api/v1/auth/sessions') });
  const invalidate = () => void queryClient.invalidateQueries({ queryKey: keys.sessions });
  const end = useMutation({
    mutationFn: (id: number) => api.delete('/api/v1/auth/sessions/{id}', { path: { id } }),
    onSuccess: () => {
      invalidate();
      toast.success('Session ended.');
    },
  });
  const endOthers = useMutation({
    mutationFn: () => api.post('/api/v1/auth/sessions/end_others'),
    onSuccess: (out) => {
      invalidate();
      toast.success(out.ended === 1 ? 'One other session ended.' : `${out.ended} other sessions ended.`);
    },
  });
  const others = (sessions.data ?? []).filter((s) => !s.current).length;
  return (
    <div data-testid="sessions-card">
      <Card
        title="Sessions"
        description="Where you are signed in. End any you do not recognise."
        actions={
          <Button size="sm" disabled={others === 0} loading={endOthers.isPending} onClick={() => endOthers.mutate()}>
            Sign out other sessions
          </Button>
        }
      >
        {sessions.isLoading ? (
          <LoadingBlock />
        ) : sessions.isError ? (
          <ErrorAlert error={sessions.error} />
        ) : (
          <>
            <ErrorAlert error={end.error ?? endOthers.error} className="mb-3" />
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="sessions">
              {(sessions.data ?? []).map((s) => (
                <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 py-3 first:pt-0 last:pb-0" data-session-id={s.id}>
                  <div className="min-w-0">
                    <p className="flex items-center gap-2 text-sm font-medium text-zinc-900 dark:text-zinc-100">
                      {s.device}
                      {s.current && <Badge tone="accent">This device</Badge>}
                    </p>
                    <p className="text-[13px] text-zinc-500 dark:text-zinc-400">
                      {s.ip || 'Unknown address'} · signed in {formatDate(s.created_at)} · last active {formatDate(s.last_used_at)}
                    </p>
                  </div>
                  {!s.current && (
                    <Button size="sm" variant="ghost" loading={end.isPending && end.variables === s.id} onClick={() => end.mutate(s.id)}>
                      End
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
    </div>
  );
}

export function AccountSecurityCard({ isOwner }: { isOwner: boolean }) {
  const queryClient = useQueryClient();
  const security = useQuery({ queryKey: keys.accountSecurity, queryFn: () => api.get('/api/v1/account/security') });
  const save = useMutation({
    mutationFn: (require: boolean) => api.patch('/api/v1/account/security', { body: { require_two_factor: require } }),
    onSuccess: (out) => {
      queryClient.setQueryData(keys.accountSecurity, out);
      toast.success(out.require_two_factor ? 'Two-factor sign-in is now required.' : 'Two-factor sign-in is optional.');
    },
  });
  const data = security.data;
  return (
    <Card title="Account security" description="Rules for everyone on this account.">
      {security.isLoading ? (
        <LoadingBlock />
      ) : !data ? (
        <ErrorAlert error={security.error} />
      ) : (
        <div className="space-y-3">
          <ErrorAlert error={save.error} />
          <Checkbox
            label="Require two-factor sign-in for every member"
            description={
              isOwner
                ? `Members without it are signed out and set it up at their next sign-in. ${data.members_without_two_factor} member(s) have none yet.`
                : 'Only owners can change this.'
            }
            checked={data.require_two_factor}
            disabled={!isOwner || save.isPending}
            onChange={(e) => save.mutate(e.target.checked)}
          />
        </div>
      )}
    </Card>
  );
}
