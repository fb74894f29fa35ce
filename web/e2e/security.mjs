// End-to-end, account security (run by flow.mjs at the end of the walk, signed in as the owner):
//
//   Account → set up two-factor sign-in by reading the secret from the page → turn it on with a generated code →
//   recovery codes shown → sign out → sign in with the password and a generated code → reload and stay signed in
//   (the refresh token is an HttpOnly cookie; the access token lives in memory) → a second browser signs in with a
//   recovery code and ends the first browser's session → the first browser is signed out at its next load.
import { createHmac } from 'node:crypto';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = alphabet.indexOf(ch);
    if (index < 0) continue;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 (HMAC-SHA1, 6 digits, 30 s), as an authenticator app computes it. */
export function totp(secret, unixSeconds = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const hmac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 15;
  const code = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

export async function securityFlow({ browser, page, base, screenshot, step, log, email, password }) {
  step('security: set up two-factor sign-in from the Account page');
  await page.goto(`${base}/settings/account`);
  await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  const secret = (await page.getByTestId('totp-secret').innerText()).trim();
  if (!/^[A-Z2-7]{16,}$/.test(secret)) throw new Error(`unexpected secret "${secret}"`);
  await page.getByRole('img', { name: /QR code/ }).waitFor();
  await screenshot('security-2fa-setup', page, { element: page.getByTestId('two-factor-card') });
  await page.getByLabel('Code from the app').fill(totp(secret));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codesList = page.getByTestId('recovery-codes');
  await codesList.waitFor();
  const recovery = (await codesList.locator('li').allInnerTexts()).map((c) => c.trim());
  if (recovery.length !== 10) throw new Error(`expected 10 recovery codes, saw ${recovery.length}`);
  await page.getByText('On', { exact: true }).first().waitFor();
  await screenshot('security-2fa-on', page, { element: page.getByTestId('two-factor-card') });

  step('security: sign out, then sign in with the password and a generated code');
  await page.getByTestId('user-menu').click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin');
  const cookiesAfterSignOut = await page.context().cookies();
  if (cookiesAfterSignOut.some((c) => c.name === 'igny8_refresh' && c.value)) throw new Error('refresh cookie kept after sign-out');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Two-factor sign-in' }).waitFor();
  await screenshot('security-signin-code');
  // The code of the next window: turning it on used this window's code, and a code works once.
  await page.getByLabel('Authentication code').fill(totp(secret, Date.now() / 1000 + 30));
  await page.getByRole('button', { name: 'Verify' }).click();
  // Back where the sign-out left off (the Account page).
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
  await page.getByTestId('user-menu').waitFor();

  step('security: a reload keeps the session; no token is readable by scripts');
  await page.reload();
  await page.getByTestId('user-menu').waitFor();
  if (page.url().includes('/signin')) throw new Error('signed out by a reload');
  const stored = await page.evaluate(() => localStorage.getItem('igny8.auth') ?? '');
  if (/"(access|refresh)"/.test(stored)) throw new Error(`a token is in localStorage: ${stored.slice(0, 120)}`);
  if ((await page.evaluate(() => document.cookie)).includes('igny8_refresh')) throw new Error('the refresh cookie is readable by scripts');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'igny8_refresh');
  if (!cookie || !cookie.httpOnly || cookie.sameSite !== 'Strict' || cookie.path !== '/api/v1/auth/token') {
    throw new Error(`refresh cookie attributes: ${JSON.stringify(cookie)}`);
  }

  step('security: a second browser signs in with a recovery code and ends the first session');
  const other = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: 'light' });
  try {
    const second = await other.newPage();
    second.setDefaultTimeout(15_000);
    await second.goto(`${base}/signin`);
    await second.getByLabel('Email').fill(email);
    await second.getByLabel('Password').fill(password);
    await second.getByRole('button', { name: 'Sign in' }).click();
    await second.getByLabel('Authentication code').fill(recovery[0]);
    await second.getByRole('button', { name: 'Verify' }).click();
    await second.waitForURL((url) => !url.pathname.startsWith('/signin'));
    await second.goto(`${base}/settings/account`);
    const list = second.getByTestId('sessions');
    await list.locator('li').nth(1).waitFor();
    const rows = await list.locator('li').count();
    if (rows !== 2) throw new Error(`expected 2 sessions, saw ${rows}`);
    await screenshot('security-sessions', second, { element: second.getByTestId('sessions-card') });
    const firstSession = list.locator('li').filter({ hasNot: second.getByText('This device') });
    await firstSession.getByRole('button', { name: 'End' }).click();
    await second.getByText('Session ended.').waitFor();
    await list.locator('li').nth(1).waitFor({ state: 'detached' });
    await screenshot('security-session-ended', second, { element: second.getByTestId('sessions-card') });
  } finally {
    await other.close();
  }

  step('security: the ended session is signed out at its next load');
  await page.reload();
  await page.waitForURL('**/signin');
  await page.getByText(/sign in again/i).waitFor();
  await screenshot('security-ended-elsewhere');
  log('two-factor sign-in, the refresh cookie and session ending work end to end');
}
