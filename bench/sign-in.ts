// Signs a bench user in to a running web view through its form (the sign-in page's cookies and token, then the POST), for the benches that time signed-in pages.

/** The user must exist already. Resolves with the `Cookie` header value of the signed-in session. */
export async function signIn(url: string, username: string, password: string): Promise<string> {
  const page = await fetch(`${url}/login`);
  // Every cookie the sign-in page sets: the form's token is checked against one.
  const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]!).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  if (!csrf) throw new Error(`no sign-in form at ${url}/login`);
  const login = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, username, password }).toString(),
    redirect: 'manual',
  });
  const session = login.headers.getSetCookie().find((c) => c.startsWith('audit_trail.sid='));
  if (!session) throw new Error(`signing in as ${username} answered ${login.status} without a session cookie`);
  return session.split(';')[0]!;
}
