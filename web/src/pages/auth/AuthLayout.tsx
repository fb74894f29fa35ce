import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Logo } from '../../layout/AppLayout';

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div className="flex min-h-dvh flex-col items-center bg-zinc-50 px-4 py-10 sm:justify-center dark:bg-zinc-950">
      <Link to="/" className="mb-8 rounded-md" aria-label="IGNY8 home">
        <Logo className="scale-110" />
      </Link>
      <main className="w-full max-w-sm">
        <div className="rounded-xl border border-zinc-200 bg-white p-6 shadow-sm sm:p-8 dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">{title}</h1>
          {subtitle && <p className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">{subtitle}</p>}
          <div className="mt-6">{children}</div>
        </div>
        {footer && <div className="mt-6 text-center text-sm text-zinc-500 dark:text-zinc-400">{footer}</div>}
      </main>
    </div>
  );
}

export const linkClass = 'font-medium text-accent-600 hover:underline dark:text-accent-400';
