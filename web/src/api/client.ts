/** The one API client: JSON in and out, the CSRF token echoed on writes, Harbor errors turned into ApiError. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly requestId: string | null) {
    super(message);
  }
}

let csrfToken: string | null = null;
const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Called when the session is gone; the shell sends the user to sign-in with the way back. */
let onUnauthorized: (() => void) | null = null;
export const setUnauthorizedHandler = (fn: () => void) => { onUnauthorized = fn; };

export type Paged<T> = { items: T[]; total: number };

async function request(method: string, path: string, body?: unknown, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (body !== undefined && !(body instanceof URLSearchParams)) headers.set('Content-Type', 'application/json');
  if (unsafe.has(method) && csrfToken) headers.set('X-Harbor-CSRF-Token', csrfToken);
  const res = await fetch(path, {
    ...init, method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : body instanceof URLSearchParams ? body : JSON.stringify(body),
  });
  const token = res.headers.get('X-Harbor-CSRF-Token');
  if (token) csrfToken = token;
  if (!res.ok) {
    let code = 'UNKNOWN';
    let message = res.statusText || `request failed (${res.status})`;
    try {
      const json = (await res.json()) as { errors?: { code: string; message: string }[] };
      if (json.errors?.[0]) ({ code, message } = json.errors[0]);
    } catch { /* not JSON: keep the status text */ }
    if (res.status === 401 && !path.startsWith('/c/')) onUnauthorized?.();
    throw new ApiError(res.status, code, message, res.headers.get('X-Request-Id'));
  }
  return res;
}

export const api = {
  async get<T>(path: string): Promise<T> {
    return (await request('GET', path)).json() as Promise<T>;
  },
  /** A Harbor list page: the items and X-Total-Count. */
  async page<T>(path: string): Promise<Paged<T>> {
    const res = await request('GET', path);
    return { items: (await res.json()) as T[], total: Number(res.headers.get('X-Total-Count') ?? 0) };
  },
  async send<T = void>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await request(method, path, body);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  },
};

/** Builds a query string from defined values. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
