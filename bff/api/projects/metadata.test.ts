import { describe, expect, it } from 'vitest';
import { normalizeMetadata } from './metadata.ts';
import { checkProjectName } from './service.ts';

describe('project metadata', () => {
  it('normalizes switches the way Go parses booleans, and severity to lowercase', () => {
    expect(normalizeMetadata({ public: 'True', auto_scan: '0', auto_sbom_generation: 't', severity: 'CRITICAL' }))
      .toEqual({ public: 'true', auto_scan: 'false', auto_sbom_generation: 'true', severity: 'critical' });
  });

  it('refuses unknown keys, non-string values and pull guards nothing enforces yet', () => {
    expect(() => normalizeMetadata({ retention_id: '1' })).toThrow('unsupported metadata key: retention_id');
    expect(() => normalizeMetadata({ public: true })).toThrow('metadata public must be a string');
    expect(() => normalizeMetadata({ severity: 'urgent' })).toThrow('metadata severity must be one of');
    expect(() => normalizeMetadata({ enable_content_trust_cosign: 'true' })).toThrow('cannot be turned on yet');
    expect(normalizeMetadata({ enable_content_trust_cosign: 'false' })).toEqual({ enable_content_trust_cosign: 'false' });
  });
});

describe('project names', () => {
  it('takes Harbor names and says why others are refused', () => {
    for (const ok of ['a', 'library', 'my.team_1-x', '0']) expect(checkProjectName(ok)).toBe(ok);
    for (const bad of ['Upper', '-lead', 'trail.', 'two..dots', 'sp ace', 'a/b']) expect(() => checkProjectName(bad)).toThrow('lower case');
    expect(() => checkProjectName('')).toThrow('project_name is required');
    expect(() => checkProjectName('a'.repeat(256))).toThrow('1 to 255 characters');
  });
});
