import type { TwoFactorSetup } from '../../api/types';

/** The QR code (rendered by the server as SVG, shown from a data: URL) and the secret for typing by hand. */
export function TwoFactorSetupView({ setup }: { setup: TwoFactorSetup }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_svg)}`;
  return (
    <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
      <img src={src} alt="QR code for your authenticator app" width={180} height={180} className="rounded-md border border-zinc-200 bg-white dark:border-zinc-700" />
      <div className="min-w-0 space-y-2 text-[13px] text-zinc-600 dark:text-zinc-300">
        <p>Scan the code with an authenticator app (1Password, Google Authenticator, Aegis…), or type this key:</p>
        <code
          data-testid="totp-secret"
          className="block break-all rounded-md bg-zinc-100 px-2 py-1.5 font-mono text-[13px] tracking-wider text-zinc-900 dark:bg-zinc-800 dark:text-zinc-100"
        >
          {setup.secret}
        </code>
        <p>Then enter the six-digit code it shows.</p>
      </div>
    </div>
  );
}

/** Ten recovery codes, shown once. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-2">
      <p className="text-[13px] text-zinc-600 dark:text-zinc-300">
        Keep these recovery codes somewhere safe. Each signs you in once if you lose your phone; they are not shown
        again.
      </p>
      <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-1 rounded-md bg-zinc-100 p-3 font-mono text-[13px] dark:bg-zinc-800">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
    </div>
  );
}
