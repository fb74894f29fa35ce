import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { api } from '../../api';
import { Alert, Button, ErrorAlert, Field, Input, fieldError } from '../../components/ui';
import { useAuthStore } from '../../stores/auth';
import { AuthLayout, linkClass } from './AuthLayout';

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

  const login = useMutation({
    mutationFn: () => api.post('/api/v1/auth/login', { body: { email: email.trim(), password }, auth: false }),
    onSuccess: (session) => {
      setSession(session);
      const from = state?.from && state.from !== '/signin' ? state.from : '/';
      navigate(from, { replace: true });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

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
