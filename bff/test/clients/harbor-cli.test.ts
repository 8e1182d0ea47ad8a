import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminAuth, engines, startTestServer, stopTestServer, type TestServer } from '../harness.ts';
import { client } from '../distribution-helpers.ts';
import { addProject } from '../api-fixtures.ts';

/**
 * harbor-cli (goharbor/harbor-cli, pkg/api) through its go-swagger client: basic auth, `X-Is-Resource-Name` from
 * `useProjectID`, and every optional parameter given a pointer sent as its value, zeros included (`page=0&page_size=0`).
 */
describe.each(engines)('harbor-cli project delete --force against %s', (engine) => {
  let s: TestServer;
  const cli = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}/api/v2.0${path}`, { method, headers: { Authorization: adminAuth, Accept: 'application/json', ...headers } });

  beforeAll(async () => {
    s = await startTestServer(engine);
  });
  afterAll(() => stopTestServer(s));

  /** A project holding more repositories than a default page (10), so `page_size=0` must not mean 10. */
  async function projectWithRepositories(name: string, count: number) {
    expect((await fetch(`${s.url}/api/v2.0/projects`, {
      method: 'POST', headers: { Authorization: adminAuth, 'Content-Type': 'application/json' }, body: JSON.stringify({ project_name: name }),
    })).status).toBe(201);
    for (let i = 0; i < count; i++) await client(s).pushImage(`${name}/app${i}`, 'v1');
  }

  /** api.DeleteProject(projectNameOrID, forceDelete=true, useProjectID), call by call. */
  async function deleteForce(nameOrId: string, useProjectID: boolean) {
    const byName = { 'X-Is-Resource-Name': String(!useProjectID) };
    const project = await cli('GET', `/projects/${nameOrId}`, byName);
    expect(project.status).toBe(200);
    const projectName = ((await project.json()) as { name: string }).name;

    const rules = await cli('GET', `/projects/${projectName}/immutabletagrules`, { 'X-Is-Resource-Name': 'true' });
    expect(rules.status).toBe(200);
    expect(rules.headers.get('x-total-count')).toBe('0');
    expect(await rules.json()).toEqual([]);

    // ListRepository: by id it looks the project up again, then lists by name with the zero page and page size.
    if (useProjectID) expect((await cli('GET', `/projects/${nameOrId}`, byName)).status).toBe(200);
    const repos = await cli('GET', `/projects/${projectName}/repositories?page=0&page_size=0`);
    expect(repos.status).toBe(200);
    for (const repo of (await repos.json()) as { name: string }[]) {
      if (useProjectID) expect((await cli('GET', `/projects/${nameOrId}`, byName)).status).toBe(200);
      const deleted = await cli('DELETE', `/projects/${projectName}/repositories/${repo.name.slice(projectName.length + 1)}`);
      expect(deleted.status).toBe(200);
    }
    return cli('DELETE', `/projects/${nameOrId}`, byName);
  }

  it('deletes a project with its repositories by name: the immutable rules list is empty, not a 404', async () => {
    await projectWithRepositories('cli-doomed', 12);
    expect((await deleteForce('cli-doomed', false)).status).toBe(200);
    expect((await cli('GET', '/projects/cli-doomed', { 'X-Is-Resource-Name': 'true' })).status).toBe(404);
  });

  it('deletes a project with its repositories by --project-id', async () => {
    await projectWithRepositories('cli-by-id', 2);
    const id = ((await (await cli('GET', '/projects/cli-by-id')).json()) as { project_id: number }).project_id;
    expect((await deleteForce(String(id), true)).status).toBe(200);
    expect((await cli('GET', `/projects/${id}`)).status).toBe(404);
  });

  it('reads the zero page and page size as the first page of the largest size, with a Link to the next', async () => {
    await Promise.all(Array.from({ length: 101 }, (_, i) => addProject(s, `cli-many-${String(i).padStart(3, '0')}`)));
    const r = await cli('GET', '/projects?page=0&page_size=0&q=name%3D~cli-many-');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-total-count')).toBe('101');
    expect(((await r.json()) as unknown[]).length).toBe(100);
    expect(r.headers.get('link')).toMatch(/page=2&page_size=100[^>]*>; rel="next"/);
  });

  it('lists no webhook policies (webhook list) and no scanners (scanner list), with X-Total-Count 0', async () => {
    const webhooks = await cli('GET', '/projects/library/webhook/policies');
    expect(webhooks.status).toBe(200);
    expect(webhooks.headers.get('x-total-count')).toBe('0');
    expect(await webhooks.json()).toEqual([]);
    const scanners = await cli('GET', '/scanners');
    expect(scanners.status).toBe(200);
    expect(scanners.headers.get('x-total-count')).toBe('0');
    expect(await scanners.json()).toEqual([]);
  });
});
