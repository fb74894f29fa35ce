import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../../api';
import type { Challenge, Session, TwoFactorSetup } from '../../api/types';
import { Alert, Button, ErrorAlert, Field, Input, fieldError } from '../../components/ui';
import { useAuthStore } from '../../stores/auth';
import { AuthLayout, linkClass } from './AuthLayout';
import { RecoveryCodes, TwoFactorSetupView } from './TwoFactorSetupView';

function isChallenge(value: Session | Challenge): value is Challenge {
  return 'challenge' in value && value.two_factor_required === true;
}

export default function SignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const state = location.state as { from?: string; flash?: string } | null;
  const setSession = useAuthStore((s) => s.setSession);
  const notice = useAuthStore((s) => s.notice);
  const clearNotice = useAuthStore((s) => s.clearNotice);
  const [shownNotice] = useState(notice);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  useEffect(() => {
    if (notice) clearNotice();
  }, [notice, clearNotice]);

  const [challenge, setChallenge] = useState<Challenge | null>(null);
  const [setup, setSetup] = useState<TwoFactorSetup | null>(null);
  const [code, setCode] = useState('');
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const from = state?.from && state.from !== '/signin' ? state.from : '/';

  const finish = (session: Session) => {
    setSession(session);
    if (session.recovery_codes?.length) {
      // A sign-in that completed an enrolment: show the codes once before going on.
      setRecovery(session.recovery_codes);
      return;
    }
    navigate(from, { replace: true });
  };

  const enrol = useMutation({
    mutationFn: (c: Challenge) =>
      api.post('/api/v1/auth/login/two_factor/setup', { body: { challenge: c.challenge }, auth: false }),
    onSuccess: setSetup,
  });

  const login = useMutation({
    mutationFn: async () =>
      (await api.post('/api/v1/auth/login', { body: { email: email.trim(), password }, auth: false })) as
        | Session
        | Challenge,
    onSuccess: (result) => {
      if (isChallenge(result)) {
        setChallenge(result);
        if (result.enrolment_required) enrol.mutate(result);
        return;
      }
      finish(result);
    },
  });

  const verify = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/login/two_factor', {
        body: { challenge: challenge?.challenge ?? '', code: code.trim() },
        auth: false,
      }),
    onSuccess: finish,
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  if (recovery) {
    return (
      <AuthLayout title="Two-factor sign-in is on" subtitle="Your account is now protected by a second step.">
        <div className="space-y-4">
          <RecoveryCodes codes={recovery} />
          <Button variant="primary" className="w-full" onClick={() => navigate(from, { replace: true })}>
            I saved them, continue
          </Button>
        </div>
      </AuthLayout>
    );
  }

  if (challenge) {
    const enrolling = challenge.enrolment_required;
    return (
      <AuthLayout
        title={enrolling ? 'Set up two-factor sign-in' : 'Two-factor sign-in'}
        subtitle={
          enrolling
            ? 'Your account requires a second step at sign-in. Set up an authenticator app to continue.'
            : 'Enter the six-digit code from your authenticator app, or one of your recovery codes.'
        }
        footer={
          <button
            type="button"
            className={linkClass}
            onClick={() => {
              setChallenge(null);
              setSetup(null);
              setCode('');
              verify.reset();
            }}
          >
            Back to sign in
          </button>
        }
      >
        <form
          onSubmit={(e) => {
            e.preventDefault();
            verify.mutate();
          }}
          className="space-y-4"
          noValidate
        >
          <ErrorAlert error={verify.error ?? enrol.error} hideFields={['code']} />
          {enrolling && setup && <TwoFactorSetupView setup={setup} />}
          <fieldset disabled={verify.isPending} className="space-y-4">
            <Field label={enrolling ? 'Code from the app' : 'Authentication code'} error={fieldError(verify.error, 'code')}>
              <Input
                name="code"
                inputMode={enrolling ? 'numeric' : 'text'}
                autoComplete="one-time-code"
                autoFocus
                required
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </Field>
          </fieldset>
          <Button type="submit" variant="primary" className="w-full" loading={verify.isPending} disabled={!code.trim()}>
            {verify.isPending ? 'Checking…' : 'Verify'}
          </Button>
        </form>
      </AuthLayout>
    );
  }

  return (
    <AuthLayout
      title="Sign in to IGNY8"
      subtitle="Welcome back. Pick up where you left off."
      footer={
        <>
          New to IGNY8?{' '}
          <Link to="/signup" className={linkClass}>
            Create an account
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {shownNotice && <Alert tone="warning">{shownNotice}</Alert>}
        {state?.flash && <Alert tone="success">{state.flash}</Alert>}
        <ErrorAlert error={login.error} hideFields={['email', 'password']} />
        <fieldset disabled={login.isPending} className="space-y-4">
          <Field label="Email" error={fieldError(login.error, 'email')}>
            <Input
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Field
            label={
              <span className="flex items-center justify-between">
                Password
                <Link to="/forgot-password" className={`${linkClass} text-[13px] font-normal`}>
                  Forgot password?
                </Link>
              </span>
            }
            error={fieldError(login.error, 'password')}
          >
            <Input
              type="password"
              name="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
        </fieldset>
        <Button type="submit" variant="primary" className="w-full" loading={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
    </AuthLayout>
  );
}
