import express, { Router } from 'express';
import { z } from 'zod';
import type { Sessions } from './sessions.ts';
import type { UserService } from './users.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { AuditSink } from '../core/access.ts';
import { ApiError, badRequest } from '../api/errors.ts';

const loginForm = z.object({ principal: z.string().min(1).max(255), password: z.string().min(1).max(1024) });

/** `POST /c/login` (form or JSON: principal, password), `GET /c/log_out` and `/c/logout`. */
export function createLoginRoutes(deps: { users: UserService; sessions: Sessions; throttle: LoginThrottle; audit: AuditSink }) {
  const { users, sessions, throttle, audit } = deps;
  const router = Router();
  router.post('/c/login', express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }), async (req, res, next) => {
    try {
      const form = loginForm.safeParse(req.body);
      if (!form.success) throw badRequest('principal and password are required');
      const { principal, password } = form.data;
      const address = req.ip ?? '';
      if (throttle.blocked(principal, address)) {
        throw new ApiError('TOO_MANY_REQUEST', 'too many failed sign-in attempts: try again in a few minutes', { 'Retry-After': '60' });
      }
      const user = await users.verify(principal, password);
      if (!user) {
        throttle.failed(principal, address);
        audit.record({ project: null, operator: principal, resource: 'console', resourceType: 'user', operation: 'login_failed' });
        throw new ApiError('UNAUTHORIZED', 'invalid username or password');
      }
      throttle.succeeded(principal, address);
      await sessions.start(res, user.id);
      res.status(200).json({ username: user.username });
    } catch (e) { next(e); }
  router.post('/c/logout', logout); // with the CSRF token; session-origin.ts decides which sites may call these
  });
  const logout: express.RequestHandler = async (req, res, next) => {
    try {
      await sessions.end(req, res);
      res.status(200).json({});
    } catch (e) { next(e); }
  };
  router.get('/c/log_out', logout);
  router.get('/c/logout', logout);
  return router;
}
