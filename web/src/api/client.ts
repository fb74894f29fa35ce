// A small typed fetch client for the IGNY8 API.
//
// * Paths, parameters, bodies and answers are typed from the generated OpenAPI schema (./schema.d.ts).
// * The envelope is unwrapped: `{success, data}` answers give `data`; list answers give a `Page`.
// * Error envelopes (and network failures) become an `ApiError`.
// * A 401 on a signed-in request triggers one token refresh (shared by every request that fails at the same
//   time), then the request is retried once; if the refresh is refused the session ends.
// * With `refreshWithCookie` (the web app) the refresh token never reaches scripts: the server keeps it in an
//   HttpOnly cookie scoped to the refresh path, every request says `X-Refresh-Mode: cookie`, and refreshes of
//   several tabs take turns (Web Locks), so none presents a cookie another tab already spent.
// * A 429 (rate limited) is asked again once, after the wait the answer names (`Retry-After`, or `retry_after` in
//   the error body) when that wait is short; a second refusal, or a long wait, becomes the ApiError the page shows.

import type { paths } from './schema';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Field name → messages, as in the API's `errors` object. */
export type FieldErrors = Record<string, string[]>;

/** A failed API call: the API's error envelope, or a network/HTTP failure in the same shape. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fieldErrors: FieldErrors;
  readonly requestId: string | null;
  /** Extra members of the error body (`limit`, `max`, `plan` for PLAN_LIMIT; `required`, `available` for 402). */
  readonly details: Record<string, unknown>;

  constructor(init: {
    message: string;
    status: number;
    code: string;
    fieldErrors?: FieldErrors;
    requestId?: string | null;
    details?: Record<string, unknown>;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.fieldErrors = init.fieldErrors ?? {};
    this.requestId = init.requestId ?? null;
    this.details = init.details ?? {};
  }

  /** The first message for a field, if any. */
  field(name: string): string | undefined {
    return this.fieldErrors[name]?.[0];
  }

  get isPlanLimit(): boolean {
    return this.code === 'PLAN_LIMIT';
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** One page of a list answer. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

// ---------------------------------------------------------------------------------------------------------------
// Types derived from the schema

type OpOf<P extends keyof paths, M extends HttpMethod> = paths[P] extends { [K in M]: infer O } ? O : never;

/** The schema paths that accept method `M`. */
export type PathsFor<M extends HttpMethod> = {
  [P in keyof paths]: [OpOf<P, M>] extends [never] ? never : P;
}[keyof paths];

type ParamsOf<O> = O extends { parameters: infer X } ? X : never;
type PathParamsOf<O> = ParamsOf<O> extends { path: infer X } ? X : undefined;
type QueryParamsOf<O> = ParamsOf<O> extends { query?: infer X } ? ([NonNullable<X>] extends [never] ? undefined : NonNullable<X>) : undefined;
type BodyOf<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type SuccessBodyOf<O> = O extends { responses: infer R }
  ? R extends { 200: infer X }
    ? JsonOf<X>
    : R extends { 201: infer X }
      ? JsonOf<X>
      : R extends { 202: infer X }
        ? JsonOf<X>
        : undefined
  : never;

type Unwrap<B> = B extends { results: (infer T)[]; count: number } ? Page<T> : B extends { data: infer D } ? D : void;

/** What a call to `path` with `method` resolves to, after the envelope is unwrapped. */
export type ApiResult<M extends HttpMethod, P extends PathsFor<M>> = Unwrap<SuccessBodyOf<OpOf<P, M>>>;

type Common = {
  signal?: AbortSignal;
  /** Send the access token (default true). Sign-in calls pass false. */
  auth?: boolean;
};

type PathPart<O> = PathParamsOf<O> extends undefined ? { path?: undefined } : { path: PathParamsOf<O> };
type QueryPart<O> = QueryParamsOf<O> extends undefined ? { query?: undefined } : { query?: QueryParamsOf<O> };
type BodyPart<O> = BodyOf<O> extends undefined ? { body?: undefined } : { body: BodyOf<O> };

export type RequestOptions<O> = Common & PathPart<O> & QueryPart<O> & BodyPart<O>;

type NeedsOptions<O> = PathParamsOf<O> extends undefined ? (BodyOf<O> extends undefined ? false : true) : true;
type OptionArgs<O> = NeedsOptions<O> extends true ? [options: RequestOptions<O>] : [options?: RequestOptions<O>];

// ---------------------------------------------------------------------------------------------------------------
// The client

export interface Tokens {
  access: string;
  /** Absent when the refresh token travels in the HttpOnly cookie. */
  refresh?: string | null;
}

export interface ClientConfig {
  /** Origin prefix for every path; '' means same origin. */
  baseUrl?: string;
  getAccessToken: () => string | null;
  /** The refresh token; with `refreshWithCookie`, anything non-null means "a cookie session may exist". */
  getRefreshToken: () => string | null;
  /** Refresh with the HttpOnly cookie instead of a token in the body. */
  refreshWithCookie?: boolean;
  /** Called with rotated tokens after a successful refresh: always store both (the old refresh token is spent). */
  onTokens: (tokens: Tokens) => void;
  /** Called when the session cannot be renewed. */
  onSessionExpired: (message: string) => void;
  /** Defaults to the global fetch at call time (so tests can stub it). */
  fetch?: typeof fetch;
  /** The longest wait before asking again after a 429 (default 10 s); a longer one fails at once. */
  maxRetryWaitMs?: number;
}

export const REFRESH_PATH = '/api/v1/auth/token/refresh';
export const REFRESH_MODE_HEADER = 'X-Refresh-Mode';
const REFRESH_LOCK = 'igny8.refresh';
export const MAX_RETRY_WAIT_MS = 10_000;
export const SESSION_EXPIRED_MESSAGE = 'Your session has expired. Please sign in again.';

type RefreshOutcome = 'refreshed' | 'rejected';

/** Fills `{name}` placeholders and adds the trailing slash the API's own links use. */
export function buildUrl(
  baseUrl: string,
  path: string,
  pathParams?: Record<string, string | number>,
  query?: Record<string, unknown>,
): string {
  let filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = pathParams?.[name];
    if (value === undefined) throw new Error(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(String(value));
  });
  if (!filled.endsWith('/')) filled += '/';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.append(key, String(value));
  }
  const qs = search.toString();
  return `${baseUrl}${filled}${qs ? `?${qs}` : ''}`;
}

async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** How long a 429 asks the client to wait, in ms (`Retry-After` seconds, else `retry_after` in the body; 1 s by default). */
export async function retryAfterMs(response: Response): Promise<number> {
  const header = Number(response.headers.get('Retry-After'));
  if (Number.isFinite(header) && header >= 0 && response.headers.has('Retry-After')) return header * 1000;
  const body = await readJson(response.clone()).catch(() => undefined);
  const seconds = isRecord(body) ? Number(body.retry_after) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000;
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new DOMException('Aborted', 'AbortError'));
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(new DOMException('Aborted', 'AbortError'));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KNOWN_ERROR_KEYS = new Set(['success', 'error', 'code', 'errors', 'request_id']);

/** Turns a non-2xx answer (or an unparsable one) into an ApiError. */
export function toApiError(status: number, body: unknown, headerRequestId: string | null): ApiError {
  if (isRecord(body) && typeof body.error === 'string') {
    const details: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body)) {
      if (!KNOWN_ERROR_KEYS.has(key)) details[key] = value;
    }
    const fieldErrors: FieldErrors = {};
    if (isRecord(body.errors)) {
      for (const [field, messages] of Object.entries(body.errors)) {
        if (Array.isArray(messages)) fieldErrors[field] = messages.map(String);
        else if (typeof messages === 'string') fieldErrors[field] = [messages];
      }
    }
    return new ApiError({
      message: body.error,
      status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${status}`,
      fieldErrors,
      requestId: typeof body.request_id === 'string' ? body.request_id : headerRequestId,
      details,
    });
  }
  const message =
    status === 413
      ? 'That upload is too large.'
      : status === 429
        ? 'Too many requests. Please wait a moment and try again.'
        : status >= 500
          ? 'The server ran into a problem. Please try again.'
          : `The request failed (HTTP ${status}).`;
  return new ApiError({ message, status, code: `HTTP_${status}`, requestId: headerRequestId });
}

/** Unwraps a success body: `data` of an envelope, a Page of a list envelope, or the body itself. */
export function unwrapEnvelope(body: unknown): unknown {
  if (!isRecord(body)) return body;
  if (Array.isArray(body.results) && typeof body.count === 'number') {
    return {
      count: body.count,
      next: (body.next as string | null | undefined) ?? null,
      previous: (body.previous as string | null | undefined) ?? null,
      results: body.results,
    } satisfies Page<unknown>;
  }
  if ('data' in body) return body.data;
  return body;
}

export function createApiClient(config: ClientConfig) {
  const baseUrl = config.baseUrl ?? '';
  const doFetch: typeof fetch = (input, init) => (config.fetch ?? globalThis.fetch)(input, init);
  let refreshInFlight: Promise<RefreshOutcome> | null = null;

  const cookieMode = config.refreshWithCookie === true;

  /** Runs `work` while holding the cross-tab refresh lock, where the browser has one. */
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const locks = cookieMode ? (globalThis.navigator as Navigator | undefined)?.locks : undefined;
    return locks ? (locks.request(REFRESH_LOCK, work) as Promise<T>) : work();
  }

  /** Exchanges the refresh token once; concurrent callers share the same attempt. */
  function refreshSession(): Promise<RefreshOutcome> {
    if (refreshInFlight) return refreshInFlight;
    refreshInFlight = exclusive(async (): Promise<RefreshOutcome> => {
      const refresh = config.getRefreshToken();
      if (!refresh) return 'rejected';
      let response: Response;
      try {
        const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
        if (cookieMode) headers[REFRESH_MODE_HEADER] = 'cookie';
        response = await doFetch(buildUrl(baseUrl, REFRESH_PATH), {
          method: 'POST',
          headers,
          credentials: 'same-origin',
          body: JSON.stringify(cookieMode ? {} : { refresh }),
        });
      } catch {
        throw networkError();
      }
      const body = await readJson(response);
      if (!response.ok) {
        // 401: the token is spent, expired or revoked. Anything else (5xx, 429) is not a verdict on the session.
        if (response.status === 401 || response.status === 400) return 'rejected';
        throw toApiError(response.status, body, response.headers.get('X-Request-ID'));
      }
      const data = unwrapEnvelope(body);
      if (!isRecord(data) || typeof data.access !== 'string') return 'rejected';
      if (cookieMode) {
        config.onTokens({ access: data.access, refresh: typeof data.refresh === 'string' ? data.refresh : null });
      } else {
        if (typeof data.refresh !== 'string') return 'rejected';
        config.onTokens({ access: data.access, refresh: data.refresh });
      }
      return 'refreshed';
    }).finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  type SendOptions = {
    path?: Record<string, string | number>;
    query?: Record<string, unknown>;
    body?: unknown;
    /** A multipart body (the browser sets its Content-Type with the boundary). */
    form?: FormData;
    signal?: AbortSignal;
    auth?: boolean;
    accept?: string;
  };

  /** Sends one request with the session's token; a 401 renews the session once and asks again. */
  async function request(method: HttpMethod, path: string, options: SendOptions = {}): Promise<Response> {
    const url = buildUrl(baseUrl, path, options.path, options.query);
    const useAuth = options.auth !== false;

    const attempt = async (token: string | null): Promise<Response> => {
      const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
      if (options.body !== undefined && !options.form) headers['Content-Type'] = 'application/json';
      if (cookieMode) headers[REFRESH_MODE_HEADER] = 'cookie';
      if (token) headers.Authorization = `Bearer ${token}`;
      try {
        return await doFetch(url, {
          method: method.toUpperCase(),
          headers,
          body: options.form ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
          signal: options.signal,
        });
      } catch (error) {
        if (error instanceof DOMException && error.name === 'AbortError') throw error;
        throw networkError();
      }
    };

    if (useAuth && !config.getAccessToken() && config.getRefreshToken()) {
      // Only the refresh token survived (e.g. the access token was dropped): renew before asking.
      if ((await refreshSession()) === 'rejected') config.onSessionExpired(SESSION_EXPIRED_MESSAGE);
    }
    const sentToken = useAuth ? config.getAccessToken() : null;
    let response = await attempt(sentToken);

    if (response.status === 401 && sentToken) {
      const current = config.getAccessToken();
      if (current && current !== sentToken) {
        // Another request already renewed the session while this one was in flight.
        response = await attempt(current);
      } else {
        const outcome = await refreshSession();
        if (outcome === 'refreshed') {
          response = await attempt(config.getAccessToken());
        } else {
          config.onSessionExpired(SESSION_EXPIRED_MESSAGE);
        }
      }
    }

    if (response.status === 429) {
      // The limit refused the request before it was handled: asking again after the wait is safe, also for writes.
      const delay = await retryAfterMs(response);
      if (delay <= (config.maxRetryWaitMs ?? MAX_RETRY_WAIT_MS)) {
        await wait(delay, options.signal);
        response = await attempt(useAuth ? config.getAccessToken() : null);
      }
    }
    return response;
  }

  async function send(method: HttpMethod, path: string, options: SendOptions = {}): Promise<unknown> {
    const response = await request(method, path, options);
    const body = await readJson(response);
    if (!response.ok || (isRecord(body) && body.success === false)) {
      throw toApiError(response.status, body, response.headers.get('X-Request-ID'));
    }
    return unwrapEnvelope(body);
  }

  /**
   * Opens a Server-Sent Events stream (GET with the bearer token, which EventSource cannot send) and resolves
   * to the open response once the server accepted it; a refusal becomes an ApiError like any other call.
   */
  async function openStream<P extends PathsFor<'get'>>(
    path: P,
    options: { path?: Record<string, string | number>; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const response = await request('get', path, { ...options, accept: 'text/event-stream' });
    if (!response.ok || !response.body) {
      const body = await readJson(response).catch(() => undefined);
      throw toApiError(response.ok ? 502 : response.status, body, response.headers.get('X-Request-ID'));
    }
    return response;
  }

  /** POSTs a multipart form (file uploads); the answer is unwrapped like any call. */
  function upload<P extends PathsFor<'post'>>(
    path: P,
    form: FormData,
    options: { path?: Record<string, string | number>; query?: Record<string, unknown>; signal?: AbortSignal } = {},
  ): Promise<ApiResult<'post', P>> {
    return send('post', path, { ...options, form }) as Promise<ApiResult<'post', P>>;
  }

  /** GETs a file (CSV export…) with the session's token; the file name comes from Content-Disposition. */
  async function download<P extends PathsFor<'get'>>(
    path: P,
    options: { path?: Record<string, string | number>; query?: Record<string, unknown>; signal?: AbortSignal } = {},
  ): Promise<{ blob: Blob; filename: string | null }> {
    const response = await request('get', path, { ...options, accept: '*/*' });
    if (!response.ok) {
      const body = await readJson(response).catch(() => undefined);
      throw toApiError(response.status, body, response.headers.get('X-Request-ID'));
    }
    return { blob: await response.blob(), filename: filenameFrom(response.headers.get('Content-Disposition')) };
  }

  function method<M extends HttpMethod>(m: M) {
    return <P extends PathsFor<M>>(path: P, ...args: OptionArgs<OpOf<P, M>>): Promise<ApiResult<M, P>> =>
      send(m, path, (args[0] ?? {}) as Parameters<typeof send>[2]) as Promise<ApiResult<M, P>>;
  }

  return {
    get: method('get'),
    post: method('post'),
    put: method('put'),
    patch: method('patch'),
    delete: method('delete'),
    openStream,
    upload,
    download,
    /** Exposed for tests and for callers that want to renew ahead of time. */
    refreshSession,
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

function networkError(): ApiError {
  return new ApiError({
    message: 'Cannot reach the server. Check your connection and try again.',
    status: 0,
    code: 'NETWORK_ERROR',
  });
}

/** `attachment; filename="keywords.csv"` → `keywords.csv` (also the RFC 5987 `filename*=UTF-8''…` form). */
export function filenameFrom(disposition: string | null): string | null {
  if (!disposition) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  if (extended?.[1]) {
    try {
      return decodeURIComponent(extended[1].trim());
    } catch {
      // fall through to the plain form
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)/.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name || null;
}
