import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api } from '../../api';
import { Alert, Button, ErrorAlert, Field, Input, fieldError } from '../../components/ui';
import { AuthLayout, linkClass } from './AuthLayout';

export default function ForgotPassword() {
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: () => api.post('/api/v1/auth/password/reset', { body: { email: email.trim() }, auth: false }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <AuthLayout
      title="Reset your password"
      subtitle="Enter your email and we'll send you a link to choose a new password."
      footer={
        <Link to="/signin" className={linkClass}>
          Back to sign in
        </Link>
      }
    >
      {request.isSuccess ? (
        <Alert tone="success" title="Check your inbox">
          If an account exists for <strong>{email.trim()}</strong>, a reset link is on its way. The link works for a
          limited time.
        </Alert>
      ) : (
        <form onSubmit={submit} className="space-y-4" noValidate>
          <ErrorAlert error={request.error} hideFields={['email']} />
          <Field label="Email" error={fieldError(request.error, 'email')}>
            <Input
              type="email"
              name="email"
              autoComplete="email"
              required
              value={email}
              disabled={request.isPending}
              onChange={(e) => setEmail(e.target.value)}
            />
          </Field>
          <Button type="submit" variant="primary" className="w-full" loading={request.isPending} disabled={!email.trim()}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}
