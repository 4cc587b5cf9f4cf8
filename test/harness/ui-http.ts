// The server-rendered UI over plain HTTP, as a browser without script uses it: cookies kept, the demo sign-in, forms
// posted with the page's CSRF token. For pages whose point is a form and its answer; the browser tests check looks.
export interface UiPage {
  status: number;
  html: string;
  /** where a 303 pointed */
  location: string | null;
}

export async function uiSession(base: string, userId: string) {
  const cookies = new Map<string, string>();
  let csrf = '';

  async function request(method: string, path: string, form?: Record<string, string>): Promise<UiPage> {
    const headers: Record<string, string> = {
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    };
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams({ _csrf: csrf, ...form }).toString();
    }
    const res = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const html = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token) csrf = token;
    return { status: res.status, html, location: res.headers.get('location') };
  }

  const get = (path: string) => request('GET', path);
  const post = (path: string, form: Record<string, string> = {}) => request('POST', path, form);

  await get('/anmelden');
  const signedIn = await post('/anmelden', { benutzer: userId, weiter: '/' });
  if (signedIn.status !== 303) throw new Error(`sign-in as ${userId} failed: ${signedIn.status}`);
  return { get, post };
}
