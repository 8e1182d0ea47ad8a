import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPassword, startTestServer, stopTestServer, type TestServer } from '../../test/harness.ts';
import { startDistributionServer, type DistributionServer } from '../../test/distribution-server.ts';
import { adapterTypes } from './by-type.ts';
import { harborAdapter } from './harbor.ts';

const user = { username: 'lister', password: 'L1ster-pass' };
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('adapters', () => {
  let wharf: TestServer;
  let distribution: DistributionServer;
  const types = () => adapterTypes({ dockerHub: { hubUrl: 'https://hub.docker.com', registryUrl: wharf.url } });

  beforeAll(async () => {
    [wharf, distribution] = await Promise.all([startTestServer('sqlite'), startDistributionServer(user)]);
  }, 60_000);
  afterAll(async () => { await Promise.all([stopTestServer(wharf), distribution?.stop()]); });

  it('harbor: creates a missing project, then lists projects and repositories through the API', async () => {
    const a = harborAdapter({ url: wharf.url, credential: { username: 'admin', password: adminPassword } });
    try {
      await a.ping();
      const project = `dest-${randomBytes(3).toString('hex')}`;
      await a.ensureProject(project);
      await a.ensureProject(project); // already there: nothing to do
      expect(await a.projects()).toEqual(expect.arrayContaining(['library', project]));
      const blob = Buffer.from('x');
      const digest = sha256(blob);
      await a.client.putBlob(`${project}/app`, digest, Readable.from([blob]), 1);
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest, size: 1 }, layers: [] }));
      await a.client.putManifest(`${project}/app`, 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
      expect(await a.repositories()).toContain(`${project}/app`);
    } finally { await a.close(); }
  });

  it('harbor: a user the remote does not know cannot create projects', async () => {
    const a = harborAdapter({ url: wharf.url, credential: { username: 'admin', password: 'wrong' } });
    try {
      await expect(a.ensureProject('never')).rejects.toMatchObject({ kind: 'unauthorized' });
    } finally { await a.close(); }
  });

  it('docker-registry: lists repositories from the catalog', async () => {
    const a = types().get('docker-registry')!.create({ url: distribution.url, credential: user });
    try {
      const blob = Buffer.from('{}');
      const digest = sha256(blob);
      await a.client.putBlob('team/app', digest, Readable.from([blob]), blob.length);
      const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest, size: blob.length }, layers: [] }));
      await a.client.putManifest('team/app', 'v1', manifest, 'application/vnd.oci.image.manifest.v1+json');
      expect(await a.repositories()).toEqual(['team/app']);
    } finally { await a.close(); }
  });

  it('docker-hub: speaks to the registry its settings name, not the Hub URL the endpoint shows', async () => {
    const a = types().get('docker-hub')!.create({ url: 'https://hub.docker.com', credential: { username: 'admin', password: adminPassword } });
    try {
      await a.ping();
      expect(a.client.url).toBe(wharf.url);
    } finally { await a.close(); }
  });

  it('every other type pings through the v2 flow of the URL it is given', async () => {
    for (const type of ['github-ghcr', 'quay', 'gitlab', 'google-gcr', 'azure-acr', 'jfrog-artifactory', 'aws-ecr']) {
      const ok = types().get(type)!.create({ url: distribution.url, credential: user });
      const refused = types().get(type)!.create({ url: distribution.url, credential: { ...user, password: 'wrong' } });
      try {
        await ok.ping();
        await expect(refused.ping(), type).rejects.toMatchObject({ kind: 'unauthorized' });
      } finally { await Promise.all([ok.close(), refused.close()]); }
    }
  });
});
