// The vigil HTTP API as the browser uses it: the session cookie (HttpOnly,
// set by POST /api/v1/session) authenticates; every state-changing request
// carries the session's CSRF token in X-CSRF-Token, as the router demands.
let csrfToken = null;
let onSignedOut = () => {};

// Called when a request finds the session gone (expired, or ended
// elsewhere), so that the app goes back to its sign-in page.
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
  }
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text };
    }
  }
  if (res.status === 401 && path !== '/api/v1/session') {
    csrfToken = null;
    onSignedOut();
  }
  if (!res.ok) throw new ApiError(res.status, data, Number(res.headers.get('Retry-After')) || 0);
  return data;
}

export const get = (path) => request('GET', path);

// The signed-in session ({user, role, permissions, csrf_token, ...}), or
// null when there is none.
export async function currentSession() {
  try {
    const s = await get('/api/v1/session');
    csrfToken = s.csrf_token;
    return s;
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

export async function signIn(name, password) {
  const s = await request('POST', '/api/v1/session', { name, password });
  csrfToken = s.csrf_token;
  return s;
}

export async function signOut() {
  try {
    await request('DELETE', '/api/v1/session');
  } finally {
    csrfToken = null;
  }
}
