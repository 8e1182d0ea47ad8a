import { Router } from 'express';
import type { ApiDeps } from '../deps.ts';

/** auditlog: the audit log and project logs. */
export function createAuditLogsRouter(_deps: ApiDeps): Router {
  const router = Router();
  return router;
}
