import { badRequest } from '../errors.ts';

/** Harbor's project metadata keys; every value is a string. `public` lives in the projects row, the rest as metadata rows. */
const switches = ['public', 'auto_scan', 'prevent_vul', 'reuse_sys_cve_allowlist', 'enable_content_trust', 'enable_content_trust_cosign', 'auto_sbom_generation'];
const severities = ['none', 'low', 'medium', 'high', 'critical'];
export const metadataKeys = [...switches, 'severity'];

/**
 * Switches that guard pulls. Nothing enforces them yet (no scanner, no signature check on the pull path), and a switch
 * that is stored but ignored would promise a protection that is not there: turning one on is refused until it is.
 */
const unenforced = ['prevent_vul', 'enable_content_trust', 'enable_content_trust_cosign'];

/** Go's strconv.ParseBool, which Harbor uses on these values. */
const truthy = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const falsy = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

/** Checks metadata against Harbor's keys and values; answers it normalized ("true"/"false", lowercase severity). */
export function normalizeMetadata(input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(input)) {
    if (!metadataKeys.includes(key)) throw badRequest(`unsupported metadata key: ${key} (supported: ${metadataKeys.join(', ')})`);
    if (typeof value !== 'string') throw badRequest(`metadata ${key} must be a string`);
    if (key === 'severity') {
      if (!severities.includes(value.toLowerCase())) throw badRequest(`metadata severity must be one of ${severities.join(', ')}`);
      out[key] = value.toLowerCase();
      continue;
    }
    if (!truthy.includes(value) && !falsy.includes(value)) throw badRequest(`metadata ${key} must be "true" or "false"`);
    out[key] = truthy.includes(value) ? 'true' : 'false';
    if (out[key] === 'true' && unenforced.includes(key)) {
      throw badRequest(`metadata ${key} cannot be turned on yet: Wharf does not enforce it on pulls`);
    }
  }
  return out;
}
