import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, adminPassword, startTestServer, stopTestServer, type TestServer } from './harness.ts';

/** Request logs say who asked what and how it ended; never a password, cookie, session, CSRF or bearer token. */
describe('request logs', () => {
  let s: TestServer;
  let log = '';
  const sink = new Writable({ write(chunk, _enc, done) { log += String(chunk); done(); } });

  beforeAll(async () => {
    s = await startTestServer('sqlite', {}, undefined, pino({ level: 'info' }, sink));
  });
  afterAll(() => stopTestServer(s));

  it('keep credentials and session secrets out of every line', async () => {
    const login = await fetch(`${s.url}/c/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ principal: 'admin', password: adminPassword }),
    });
    expect(login.status).toBe(200);
    const sid = login.headers.get('set-cookie')!.split(';')[0];
    const csrf = login.headers.get('x-harbor-csrf-token')!;
    const current = await fetch(`${s.url}/api/v2.0/users/current`, { headers: { Cookie: sid } });
    expect(current.status).toBe(200);
    const token = await fetch(`${s.url}/service/token?service=harbor-registry&scope=repository:library/app:pull`, { headers: { Authorization: adminAuth } });
    const bearer = ((await token.json()) as { token: string }).token;
    expect((await fetch(`${s.url}/v2/`, { headers: { Authorization: `Bearer ${bearer}` } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));

    expect(log).toContain('/api/v2.0/users/current');
    for (const secret of [adminPassword, sid.split('=')[1], csrf, bearer, adminAuth.split(' ')[1]]) expect(log).not.toContain(secret);
  });
});
