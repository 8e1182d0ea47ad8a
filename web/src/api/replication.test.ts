import { describe, expect, it } from 'vitest';
import { isRunning, liveInterval, whileAnyRunning } from './replication.ts';

describe('replication lists refresh while work runs', () => {
  it('counts pending and in-progress work as running, finished work as not', () => {
    for (const s of ['InProgress', 'Pending']) expect(isRunning(s), s).toBe(true);
    for (const s of ['Succeed', 'Failed', 'Stopped']) expect(isRunning(s), s).toBe(false);
  });

  it('refreshes a list every few seconds while any item runs, and stops once none does', () => {
    expect(whileAnyRunning([{ status: 'Succeed' }, { status: 'InProgress' }])).toBe(liveInterval);
    expect(whileAnyRunning([{ status: 'Succeed' }, { status: 'Failed' }])).toBe(false);
    expect(whileAnyRunning([])).toBe(false);
    expect(whileAnyRunning(undefined)).toBe(false);
  });
});
