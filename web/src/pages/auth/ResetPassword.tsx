import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../../api';
import { Alert, Button, ErrorAlert, Field, Input, fieldError } from '../../components/ui';
import { useAuthStore } from '../../stores/auth';
import { AuthLayout, linkClass } from './AuthLayout';

/** Also the landing page of invitation mails (`&invite=1`): same call, friendlier words. */
export default function ResetPassword() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const token = params.get('token') ?? '';
  const invite = params.get('invite') === '1';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const reset = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/password/reset/confirm', { body: { token, new_password: password }, auth: false }),
    onSuccess: () => {
      // A different person may have been signed in on this browser.
      useAuthStore.getState().signOut();
      navigate('/signin', {
        replace: true,
        state: { flash: invite ? 'Your password is set. Sign in to join your team.' : 'Password changed. Sign in with your new password.' },
      });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    reset.mutate();
  };

  const title = invite ? 'Set your password' : 'Choose a new password';
  const subtitle = invite
    ? "You've been invited to IGNY8. Choose a password to join your team."
    : 'Enter a new password for your account.';

  if (!token) {
    return (
      <AuthLayout title={title}>
        <Alert tone="error" title="This link is incomplete">
          Open the link from your email again, or{' '}
          <Link to="/forgot-password" className="underline">
            request a new one
          </Link>
          .
        </Alert>
      </AuthLayout>
    );
  }

  const tokenProblem = fieldError(reset.error, 'token');
  return (
    <AuthLayout
      title={title}
      subtitle={subtitle}
      footer={
        <Link to="/signin" className={linkClass}>
          Back to sign in
        </Link>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        {tokenProblem ? (
          <Alert tone="error" title="This link can't be used">
            {tokenProblem}{' '}
            {!invite && (
              <Link to="/forgot-password" className="underline">
                Request a new link
              </Link>
            )}
          </Alert>
        ) : (
          <ErrorAlert error={reset.error} hideFields={['new_password', 'token']} />
        )}
        <fieldset disabled={reset.isPending} className="space-y-4">
          <Field label="New password" hint="At least 8 characters." error={fieldError(reset.error, 'new_password')}>
            <Input
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </Field>
          <Field label="Confirm password" error={mismatch ? 'The passwords do not match.' : undefined}>
            <Input
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
            />
          </Field>
        </fieldset>
        <Button type="submit" variant="primary" className="w-full" loading={reset.isPending} disabled={!password}>
          {invite ? 'Set password' : 'Change password'}
        </Button>
      </form>
    </AuthLayout>
  );
}
