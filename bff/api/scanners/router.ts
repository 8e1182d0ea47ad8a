import { Router } from 'express';
import { parsePage, sendPage } from '../pagination.ts';
import { requireSysadmin } from '../project-guard.ts';

/** The `scanner` tag. No scanner can be registered yet, so the list is empty (what Harbor answers before one is added). */
export function createScannersRouter(): Router {
  const router = Router();

  router.get('/scanners', (req, res) => {
    requireSysadmin(req, { resource: 'scanner', action: 'list' });
    sendPage(req, res, [], 0, parsePage(req));
  });

  return router;
}
