import { Router, type Request } from 'express';
import { z } from 'zod';
import { anonymous, type Action } from '../../auth/policy.ts';
import { gcParameters } from '../../gc/gc-job.ts';
import type { ApiDeps } from '../deps.ts';
import { parsePage, sendPage } from '../pagination.ts';
import { requireSysadmin } from '../project-guard.ts';
import { parseWith, pathId } from '../request-body.ts';
import { createGcService } from './service.ts';

const scheduleBody = z.object({
  schedule: z.object({
    type: z.enum(['Hourly', 'Daily', 'Weekly', 'Custom', 'Manual', 'None', 'Schedule'], { message: 'schedule.type must be Hourly, Daily, Weekly, Custom, Manual or None' }),
    cron: z.string().max(255).nullish(),
  }),
  // Harbor's console sends more keys than these (e.g. redis_url_reg from older versions): only ours are read.
  parameters: gcParameters.passthrough().nullish(),
});

/** `gc`: Harbor's garbage-collection API. System admins (and robots granted garbage-collection). */
export function createGcRouter(deps: ApiDeps): Router {
  const router = Router();
  const gc = createGcService({ gc: deps.gc, audit: deps.audit });
  const guard = (req: Request, action: Action) => requireSysadmin(req, { resource: 'garbage-collection', action });
  const operator = (req: Request) => (req.principal ?? anonymous).name;
  const parse = (req: Request) => {
    const b = parseWith(scheduleBody, req.body);
    const p = gcParameters.parse(b.parameters ?? {});
    return { schedule: b.schedule, parameters: { delete_untagged: p.delete_untagged, dry_run: p.dry_run, workers: p.workers } };
  };

  router.get('/system/gc', async (req, res) => {
    guard(req, 'list');
    const page = parsePage(req);
    const { items, total } = await gc.list(page.pageSize, page.offset);
    sendPage(req, res, items, total, page);
  });

  router.get('/system/gc/schedule', async (req, res) => {
    guard(req, 'read');
    res.json(await gc.getSchedule());
  });

  router.post('/system/gc/schedule', async (req, res) => {
    guard(req, 'create');
    const b = parse(req);
    const id = await gc.setSchedule(b.schedule, b.parameters, operator(req));
    if (id !== undefined) res.set('Location', `/api/v2.0/system/gc/${id}`);
    res.status(201).end();
  });

  router.put('/system/gc/schedule', async (req, res) => {
    guard(req, 'update');
    const b = parse(req);
    await gc.setSchedule(b.schedule, b.parameters, operator(req));
    res.status(200).end();
  });

  router.get('/system/gc/:id', async (req, res) => {
    guard(req, 'read');
    res.json(await gc.get(pathId(req.params.id, 'gc_id')));
  });

  router.put('/system/gc/:id', async (req, res) => {
    guard(req, 'stop');
    await gc.stop(pathId(req.params.id, 'gc_id'), operator(req));
    res.status(200).end();
  });

  router.get('/system/gc/:id/log', async (req, res) => {
    guard(req, 'read');
    res.type('text/plain').send(await gc.log(pathId(req.params.id, 'gc_id')));
  });

  return router;
}
