import type { z } from 'zod';
import { badRequest } from './errors.ts';

/** Parses a request body (or query) against the contract's schema; a mismatch is a 400 that names the field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw badRequest(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
}

/** An integer id from the path (`user_id`, `mid`, `robot_id`…). */
export function pathId(value: unknown, name: string): number {
  const n = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw badRequest(`${name} must be a positive integer`);
  return n;
}
