import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api';
import { Button, ErrorAlert, Field, Input, fieldError } from '../../components/ui';
import { useAuthStore } from '../../stores/auth';
import { AuthLayout, linkClass } from './AuthLayout';

const FIELDS = ['email', 'password', 'first_name', 'last_name', 'account_name'];

export default function SignUp() {
  const navigate = useNavigate();
  const setSession = useAuthStore((s) => s.setSession);
  const [form, setForm] = useState({ first_name: '', last_name: '', email: '', password: '', account_name: '' });
  const set = (key: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));

  const register = useMutation({
    mutationFn: () =>
      api.post('/api/v1/auth/register', {
        auth: false,
        body: {
          email: form.email.trim(),
          password: form.password,
          first_name: form.first_name.trim(),
          last_name: form.last_name.trim(),
          account_name: form.account_name.trim() || null,
        },
      }),
    onSuccess: (session) => {
      setSession(session);
      navigate('/onboarding', { replace: true });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  const err = register.error;

  return (
    <AuthLayout
      title="Create your account"
      subtitle="Start free: one site, 150 credits, no card needed."
      footer={
        <>
          Already have an account?{' '}
          <Link to="/signin" className={linkClass}>
            Sign in
          </Link>
        </>
      }
    >
      <form onSubmit={submit} className="space-y-4" noValidate>
        <ErrorAlert error={err} hideFields={FIELDS} />
        <fieldset disabled={register.isPending} className="space-y-4">
          <div className="grid grid-cols-2 gap-3">
            <Field label="First name" error={fieldError(err, 'first_name')}>
              <Input name="first_name" autoComplete="given-name" value={form.first_name} onChange={set('first_name')} />
            </Field>
            <Field label="Last name" error={fieldError(err, 'last_name')}>
              <Input name="last_name" autoComplete="family-name" value={form.last_name} onChange={set('last_name')} />
            </Field>
          </div>
          <Field label="Work email" error={fieldError(err, 'email')}>
            <Input type="email" name="email" autoComplete="email" required value={form.email} onChange={set('email')} />
          </Field>
          <Field label="Password" hint="At least 8 characters." error={fieldError(err, 'password')}>
            <Input
              type="password"
              name="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={form.password}
              onChange={set('password')}
            />
          </Field>
          <Field
            label="Account name"
            optional
            hint="Your company or team. You can change it later."
            error={fieldError(err, 'account_name')}
          >
            <Input name="account_name" autoComplete="organization" value={form.account_name} onChange={set('account_name')} />
          </Field>
        </fieldset>
        <Button type="submit" variant="primary" className="w-full" loading={register.isPending}>
          {register.isPending ? 'Creating account…' : 'Create account'}
        </Button>
      </form>
    </AuthLayout>
  );
}
