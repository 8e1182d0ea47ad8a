import type { Generated } from 'kysely';

/** Scanning's tables (migration 0023). Times are ISO-8601 UTC strings, as everywhere. */
export interface ScannerRegistrationsTable {
  id: Generated<number>;
  uuid: string;
  name: string;
  description: string;
  url: string;
  /** Harbor's `auth`: '', Basic, Bearer or X-ScannerAdapter-API-Key. */
  auth: string;
  /** Sealed under the master key; never answered. */
  access_credential: string | null;
  skip_cert_verify: number;
  use_internal_addr: number;
  disabled: number;
  /** 1 on the system default, else null. */
  is_default: number | null;
  /** The adapter's metadata (JSON) as it last answered it. */
  metadata: string | null;
  creation_time: string;
  update_time: string;
}

export interface ProjectScannersTable {
  project_id: number;
  registration_id: number;
}
