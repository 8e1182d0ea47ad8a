import { Router } from 'express';
import type { Db } from '../../db/database.ts';
import { unauthorized } from '../errors.ts';

/** The `user` tag; for now the current user, which the console asks first. */
export function createUsersRouter(deps: { db: Db }) {
  const router = Router();
  router.get('/users/current', async (req, res, next) => {
    try {
      const p = req.principal;
      if (!p || p.kind !== 'user') throw unauthorized('sign in first');
      const u = await deps.db.selectFrom('users').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
      res.json({
        user_id: u.id, username: u.username, email: u.email ?? '', realname: u.realname, comment: u.comment,
        sysadmin_flag: u.sysadmin === 1, admin_role_in_auth: false, creation_time: u.creation_time, update_time: u.update_time,
      });
    } catch (e) { next(e); }
  });
  return router;
}
