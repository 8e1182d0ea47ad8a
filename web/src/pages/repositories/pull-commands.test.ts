import { describe, expect, it } from 'vitest';
import { pullCommands } from './pull-commands.ts';

const image = { project: 'library', repo: 'team/api', digest: 'sha256:abc', tags: ['1.0'] };

describe('pull commands', () => {
  it('asks podman to skip TLS over plain http, and docker for nothing on loopback', () => {
    const c = pullCommands({ externalUrl: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }, image, '1.0');
    expect(c.tools.podman.map((l) => l.text)).toEqual([
      'podman pull --tls-verify=false 127.0.0.1:8080/library/team/api:1.0',
      'podman pull --tls-verify=false 127.0.0.1:8080/library/team/api@sha256:abc',
    ]);
    expect(c.tools.docker[0].text).toBe('docker pull 127.0.0.1:8080/library/team/api:1.0');
    expect(c.dockerNeedsInsecure).toBe(false);
  });

  it('tells docker users of a plain-http registry elsewhere to list it as insecure', () => {
    const c = pullCommands({ externalUrl: 'http://registry.lan:5000', host: 'registry.lan:5000' }, image, '1.0');
    expect(c.dockerNeedsInsecure).toBe(true);
  });

  it('adds no flags over https, and offers only the digest when there is no tag', () => {
    const c = pullCommands({ externalUrl: 'https://wharf.example.com', host: 'wharf.example.com' }, { ...image, tags: [] }, undefined);
    expect(c.tools.podman.map((l) => l.text)).toEqual(['podman pull wharf.example.com/library/team/api@sha256:abc']);
    expect(c.logins.podman).toBe('podman login wharf.example.com');
    expect(c.dockerNeedsInsecure).toBe(false);
  });

  it('pulls a Helm chart with helm by its version, over plain http with --plain-http', () => {
    const c = pullCommands({ externalUrl: 'http://127.0.0.1:8080', host: '127.0.0.1:8080' }, { ...image, repo: 'charts/demo', type: 'CHART' }, '0.1.0');
    expect(c.tools).toEqual({ helm: [{ by: 'tag', text: 'helm pull oci://127.0.0.1:8080/library/charts/demo --version 0.1.0 --plain-http' }] });
    expect(c.logins).toEqual({ helm: 'helm registry login --insecure 127.0.0.1:8080' });
  });
});
