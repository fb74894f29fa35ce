import { describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, createApiClient, filenameFrom, SESSION_EXPIRED_MESSAGE, type Tokens } from './client';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

/** A client over a fake session whose fetch is a vi.fn the test scripts. */
function setup(initial: Tokens | null = { access: 'A1', refresh: 'R1' }) {
  const session = { tokens: initial, expired: null as string | null };
  const fetchMock = vi.fn<typeof fetch>();
  const client = createApiClient({
    fetch: fetchMock,
    getAccessToken: () => session.tokens?.access ?? null,
    getRefreshToken: () => session.tokens?.refresh ?? null,
    onTokens: (t) => {
      session.tokens = t;
    },
    onSessionExpired: (message) => {
      session.tokens = null;
      session.expired = message;
    },
  });
  return { client, fetchMock, session };
}

const authHeader = (init: RequestInit | undefined) => (init?.headers as Record<string, string>)?.Authorization;
const urlOf = (input: RequestInfo | URL) => String(input);

describe('buildUrl', () => {
  it('fills path parameters, adds the trailing slash and skips empty query values', () => {
    expect(buildUrl('', '/api/v1/auth/sites/{id}', { id: 7 })).toBe('/api/v1/auth/sites/7/');
    expect(buildUrl('http://x', '/api/v1/auth/sites', undefined, { page: 2, search: '', ordering: undefined, is_active: false })).toBe(
      'http://x/api/v1/auth/sites/?page=2&is_active=false',
    );
  });

  it('refuses a missing path parameter', () => {
    expect(() => buildUrl('', '/api/v1/auth/sites/{id}')).toThrow(/Missing path parameter "id"/);
  });
});

describe('envelopes', () => {
  it('unwraps data and sends the bearer token', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(json(200, { success: true, data: { id: 3, name: 'Blog' }, request_id: 'r1' }));
    const site = await client.get('/api/v1/auth/sites/{id}', { path: { id: 3 } });
    expect(site).toEqual({ id: 3, name: 'Blog' });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(urlOf(url)).toBe('/api/v1/auth/sites/3/');
    expect(init?.method).toBe('GET');
    expect(authHeader(init)).toBe('Bearer A1');
  });

  it('turns a list envelope into a page', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(
      json(200, { success: true, count: 30, next: '/api/v1/auth/sites/?page=2', previous: null, results: [{ id: 1 }], request_id: 'r' }),
    );
    const page = await client.get('/api/v1/auth/sites', { query: { page: 1, page_size: 25, ordering: '-created_at' } });
    expect(page).toEqual({ count: 30, next: '/api/v1/auth/sites/?page=2', previous: null, results: [{ id: 1 }] });
    expect(urlOf(fetchMock.mock.calls[0]![0])).toBe('/api/v1/auth/sites/?page=1&page_size=25&ordering=-created_at');
  });

  it('sends JSON bodies and accepts 204 without a body', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await expect(client.delete('/api/v1/account/team/{id}', { path: { id: 9 } })).resolves.toBeUndefined();
    fetchMock.mockResolvedValueOnce(json(201, { success: true, data: { id: 1, name: 'N' }, request_id: 'r' }));
    await client.post('/api/v1/auth/sites', { body: { name: 'N' } });
    const init = fetchMock.mock.calls[1]![1]!;
    expect(init.body).toBe(JSON.stringify({ name: 'N' }));
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('leaves the token off when auth is false', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(json(200, { success: true, data: [], request_id: 'r' }));
    await client.get('/api/v1/auth/industries', { auth: false });
    expect(authHeader(fetchMock.mock.calls[0]![1])).toBeUndefined();
  });
});

describe('errors', () => {
  it('maps the error envelope to an ApiError with field errors and details', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(
      json(400, {
        success: false,
        error: 'name: Enter a name.',
        code: 'VALIDATION_ERROR',
        errors: { name: ['Enter a name.'], domain: ['Bad address.', 'Second.'] },
        request_id: 'req-1',
      }),
    );
    const error = await client.post('/api/v1/auth/sites', { body: { name: '' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const e = error as ApiError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('VALIDATION_ERROR');
    expect(e.message).toBe('name: Enter a name.');
    expect(e.field('name')).toBe('Enter a name.');
    expect(e.fieldErrors.domain).toEqual(['Bad address.', 'Second.']);
    expect(e.requestId).toBe('req-1');
  });

  it('keeps PLAN_LIMIT details', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(
      json(403, { success: false, error: 'The Free plan allows 1 site.', code: 'PLAN_LIMIT', limit: 'max_sites', max: 1, plan: 'free', request_id: 'x' }),
    );
    const e = (await client.post('/api/v1/auth/sites', { body: { name: 'b' } }).catch((x: unknown) => x)) as ApiError;
    expect(e.isPlanLimit).toBe(true);
    expect(e.details).toEqual({ limit: 'max_sites', max: 1, plan: 'free' });
    expect(e.fieldErrors).toEqual({});
  });

  it('reports non-JSON failures and network failures in the same shape', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(new Response('<html>bad gateway</html>', { status: 502, headers: { 'X-Request-ID': 'gw' } }));
    const e1 = (await client.get('/api/v1/auth/me').catch((x: unknown) => x)) as ApiError;
    expect(e1).toBeInstanceOf(ApiError);
    expect(e1.status).toBe(502);
    expect(e1.code).toBe('HTTP_502');
    expect(e1.requestId).toBe('gw');

    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const e2 = (await client.get('/api/v1/auth/me').catch((x: unknown) => x)) as ApiError;
    expect(e2.code).toBe('NETWORK_ERROR');
    expect(e2.status).toBe(0);
  });
});

describe('token refresh', () => {
  const unauthorized = () => json(401, { success: false, error: 'Token expired.', code: 'TOKEN_EXPIRED', request_id: 'r' });
  const meBody = { success: true, data: { user: { id: 1 } }, request_id: 'r' };

  it('refreshes once for concurrent 401s, stores the rotated tokens and retries each request', async () => {
    const { client, fetchMock, session } = setup();
    let releaseRefresh!: () => void;
    const refreshGate = new Promise<void>((resolve) => {
      releaseRefresh = resolve;
    });
    fetchMock.mockImplementation(async (input, init) => {
      const url = urlOf(input);
      if (url.endsWith('/auth/token/refresh/')) {
        expect(JSON.parse(String(init?.body))).toEqual({ refresh: 'R1' });
        await refreshGate;
        return json(200, { success: true, data: { access: 'A2', refresh: 'R2', access_expires_at: '', refresh_expires_at: '' }, request_id: 'r' });
      }
      return authHeader(init) === 'Bearer A2' ? json(200, meBody) : unauthorized();
    });

    const calls = Promise.all([client.get('/api/v1/auth/me'), client.get('/api/v1/auth/me'), client.get('/api/v1/account/team')]);
    // Let all three fail with 401 and join the same refresh before it answers.
    await new Promise((r) => setTimeout(r, 10));
    releaseRefresh();
    const results = await calls;

    expect(results).toHaveLength(3);
    const refreshCalls = fetchMock.mock.calls.filter(([u]) => urlOf(u).endsWith('/auth/token/refresh/'));
    expect(refreshCalls).toHaveLength(1);
    expect(session.tokens).toEqual({ access: 'A2', refresh: 'R2' });
    // 3 failed + 1 refresh + 3 retries
    expect(fetchMock).toHaveBeenCalledTimes(7);
    expect(session.expired).toBeNull();
  });

  it('does not refresh again when another request already renewed the token', async () => {
    const { client, fetchMock, session } = setup();
    fetchMock.mockImplementationOnce(async () => {
      session.tokens = { access: 'A9', refresh: 'R9' }; // renewed elsewhere while this request was in flight
      return unauthorized();
    });
    fetchMock.mockResolvedValueOnce(json(200, meBody));
    await client.get('/api/v1/auth/me');
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(authHeader(fetchMock.mock.calls[1]![1])).toBe('Bearer A9');
  });

  it('signs out with a message when the refresh is refused', async () => {
    const { client, fetchMock, session } = setup();
    fetchMock.mockImplementation(async (input) =>
      urlOf(input).endsWith('/auth/token/refresh/')
        ? json(401, { success: false, error: 'The refresh token is not valid; sign in again.', code: 'TOKEN_INVALID', request_id: 'r' })
        : unauthorized(),
    );
    const e = (await client.get('/api/v1/auth/me').catch((x: unknown) => x)) as ApiError;
    expect(e.status).toBe(401);
    expect(session.tokens).toBeNull();
    expect(session.expired).toBe(SESSION_EXPIRED_MESSAGE);
    // The request, one refresh, no retry.
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('retries only once: a second 401 after a refresh is an error, not a loop', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockImplementation(async (input) =>
      urlOf(input).endsWith('/auth/token/refresh/')
        ? json(200, { success: true, data: { access: 'A2', refresh: 'R2' }, request_id: 'r' })
        : unauthorized(),
    );
    await expect(client.get('/api/v1/auth/me')).rejects.toMatchObject({ status: 401 });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it('does not try to refresh for requests sent without a token (e.g. a wrong password)', async () => {
    const { client, fetchMock, session } = setup(null);
    fetchMock.mockResolvedValueOnce(json(401, { success: false, error: 'Email or password is incorrect.', code: 'INVALID_CREDENTIALS', request_id: 'r' }));
    await expect(client.post('/api/v1/auth/login', { body: { email: 'a@b.c', password: 'x' }, auth: false })).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
      message: 'Email or password is incorrect.',
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(session.expired).toBeNull();
  });

  it('keeps the session when the refresh endpoint cannot be reached', async () => {
    const { client, fetchMock, session } = setup();
    fetchMock.mockImplementation(async (input) => {
      if (urlOf(input).endsWith('/auth/token/refresh/')) throw new TypeError('offline');
      return unauthorized();
    });
    await expect(client.get('/api/v1/auth/me')).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(session.tokens).toEqual({ access: 'A1', refresh: 'R1' });
    expect(session.expired).toBeNull();
  });
});

describe('a session with only a refresh token', () => {
  it('renews before the first request instead of sending it unauthenticated', async () => {
    const { client, fetchMock, session } = setup({ access: '', refresh: 'R1' });
    fetchMock.mockImplementation(async (input, init) =>
      urlOf(input).endsWith('/auth/token/refresh/')
        ? json(200, { success: true, data: { access: 'A2', refresh: 'R2' }, request_id: 'r' })
        : authHeader(init) === 'Bearer A2'
          ? json(200, { success: true, data: { ok: true }, request_id: 'r' })
          : json(401, { success: false, error: 'no', code: 'NOT_AUTHENTICATED', request_id: 'r' }),
    );
    await expect(client.get('/api/v1/auth/me')).resolves.toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(session.tokens).toEqual({ access: 'A2', refresh: 'R2' });
  });
});

describe('the refresh cookie (web app)', () => {
  it('refreshes with the HttpOnly cookie: an empty body, the mode header, only the access token comes back', async () => {
    const session = { access: null as string | null, signedIn: true, expired: null as string | null };
    const fetchMock = vi.fn<typeof fetch>();
    const client = createApiClient({
      fetch: fetchMock,
      refreshWithCookie: true,
      getAccessToken: () => session.access,
      getRefreshToken: () => (session.signedIn ? 'cookie' : null),
      onTokens: (t) => {
        session.access = t.access;
      },
      onSessionExpired: (message) => {
        session.signedIn = false;
        session.expired = message;
      },
    });
    fetchMock.mockImplementation(async (input, init) =>
      urlOf(input).endsWith('/auth/token/refresh/')
        ? json(200, { success: true, data: { access: 'A2', session_id: 3 }, request_id: 'r' })
        : authHeader(init) === 'Bearer A2'
          ? json(200, { success: true, data: { ok: true }, request_id: 'r' })
          : json(401, { success: false, error: 'no', code: 'NOT_AUTHENTICATED', request_id: 'r' }),
    );
    // After a reload: no access token in memory, so the first call renews it with the cookie.
    await expect(client.get('/api/v1/auth/me')).resolves.toEqual({ ok: true });
    const [, init] = fetchMock.mock.calls[0]!;
    expect(JSON.parse(String(init?.body))).toEqual({});
    expect((init?.headers as Record<string, string>)['X-Refresh-Mode']).toBe('cookie');
    expect(init?.credentials).toBe('same-origin');
    expect(session.access).toBe('A2');
    const [, second] = fetchMock.mock.calls[1]!;
    expect((second?.headers as Record<string, string>)['X-Refresh-Mode']).toBe('cookie');
  });

  it('ends the session when the cookie is refused', async () => {
    const session = { signedIn: true, expired: null as string | null };
    const fetchMock = vi.fn<typeof fetch>();
    const client = createApiClient({
      fetch: fetchMock,
      refreshWithCookie: true,
      getAccessToken: () => null,
      getRefreshToken: () => (session.signedIn ? 'cookie' : null),
      onTokens: () => undefined,
      onSessionExpired: (message) => {
        session.signedIn = false;
        session.expired = message;
      },
    });
    fetchMock.mockImplementation(async () => json(401, { success: false, error: 'ended', code: 'SESSION_ENDED', request_id: 'r' }));
    await expect(client.get('/api/v1/auth/me')).rejects.toBeInstanceOf(ApiError);
    expect(session.expired).toBe(SESSION_EXPIRED_MESSAGE);
  });
});

describe('openStream', () => {
  it('opens an event stream with the bearer token and hands back the open response', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(new Response('event: ready\ndata: {}\n\n', { status: 200, headers: { 'Content-Type': 'text/event-stream' } }));
    const response = await client.openStream('/api/v1/notifications/stream');
    expect(await response.text()).toContain('event: ready');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(urlOf(url)).toBe('/api/v1/notifications/stream/');
    expect(authHeader(init)).toBe('Bearer A1');
    expect((init?.headers as Record<string, string>).Accept).toBe('text/event-stream');
  });

  it('turns a refusal into an ApiError', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(json(404, { success: false, error: 'Task not found.', code: 'NOT_FOUND' }));
    const error = await client.openStream('/api/v1/tasks/{id}/events', { path: { id: 9 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect(urlOf(fetchMock.mock.calls[0]![0])).toBe('/api/v1/tasks/9/events/');
  });
});

describe('upload and download', () => {
  it('posts a multipart form without a JSON content type and unwraps the answer', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(json(200, { success: true, data: { total_rows: 2 }, request_id: 'r' }));
    const form = new FormData();
    form.append('file', new Blob(['keyword\nshoes\n'], { type: 'text/csv' }), 'k.csv');
    const report = await client.upload('/api/v1/planner/keywords/import_keywords', form, { query: { dry_run: true } });
    expect(report).toEqual({ total_rows: 2 });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(urlOf(url)).toBe('/api/v1/planner/keywords/import_keywords/?dry_run=true');
    expect(init?.body).toBe(form);
    expect((init?.headers as Record<string, string>)['Content-Type']).toBeUndefined();
    expect(authHeader(init)).toBe('Bearer A1');
  });

  it('keeps a 422 report as field errors', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(
      json(422, { success: false, error: '1 of 2 rows cannot be imported.', code: 'UNPROCESSABLE', errors: { 'line 3: volume': ['Bad.'] } }),
    );
    const error = (await client.upload('/api/v1/planner/keywords/import_keywords', new FormData()).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(422);
    expect(error.fieldErrors).toEqual({ 'line 3: volume': ['Bad.'] });
  });

  it('downloads a file with the token and reads its name', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(
      new Response('keyword\nshoes\n', {
        status: 200,
        headers: { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="keywords.csv"' },
      }),
    );
    const file = await client.download('/api/v1/planner/keywords/export', { query: { site_id: 1, status: 'new' } });
    expect(file.filename).toBe('keywords.csv');
    expect(await file.blob.text()).toBe('keyword\nshoes\n');
    expect(urlOf(fetchMock.mock.calls[0]![0])).toBe('/api/v1/planner/keywords/export/?site_id=1&status=new');
    expect(authHeader(fetchMock.mock.calls[0]![1])).toBe('Bearer A1');
  });

  it('reads plain and encoded file names', () => {
    expect(filenameFrom(null)).toBeNull();
    expect(filenameFrom('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(filenameFrom("attachment; filename*=UTF-8''caf%C3%A9.csv")).toBe('café.csv');
  });
});

describe('rate limits', () => {
  const limited = (retryAfter: number) =>
    json(
      429,
      { success: false, error: `Too many requests; try again in ${retryAfter} s.`, code: 'RATE_LIMITED', retry_after: retryAfter, request_id: 'r' },
      { 'Retry-After': String(retryAfter) },
    );

  it('asks again once after the wait the 429 names, and resolves when the second answer is good', async () => {
    vi.useFakeTimers();
    try {
      const { client, fetchMock } = setup();
      fetchMock.mockResolvedValueOnce(limited(2));
      fetchMock.mockResolvedValueOnce(json(200, { success: true, data: { id: 1 }, request_id: 'r' }));
      const pending = client.get('/api/v1/auth/sites/{id}', { path: { id: 1 } });
      await vi.advanceTimersByTimeAsync(1_900);
      expect(fetchMock).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(200);
      await expect(pending).resolves.toEqual({ id: 1 });
      expect(fetchMock).toHaveBeenCalledTimes(2);
      expect(authHeader(fetchMock.mock.calls[1]![1])).toBe('Bearer A1');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the wait from the body when the header is missing, and a second 429 becomes the error shown', async () => {
    vi.useFakeTimers();
    try {
      const { client, fetchMock } = setup();
      const bodyOnly = () => json(429, { success: false, error: 'Too many requests; try again in 1 s.', code: 'RATE_LIMITED', retry_after: 1 });
      fetchMock.mockResolvedValueOnce(bodyOnly()).mockResolvedValueOnce(bodyOnly());
      const pending = client.post('/api/v1/auth/sites', { body: { name: 'N' } });
      const caught = pending.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1_000);
      const error = await caught;
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(429);
      expect((error as ApiError).code).toBe('RATE_LIMITED');
      expect((error as ApiError).message).toBe('Too many requests; try again in 1 s.');
      expect(fetchMock).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not sit out a long wait: the refusal is shown at once', async () => {
    const { client, fetchMock } = setup();
    fetchMock.mockResolvedValueOnce(limited(45));
    await expect(client.get('/api/v1/auth/sites/{id}', { path: { id: 1 } })).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
