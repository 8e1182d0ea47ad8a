import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from './login-throttle.ts';

/** A guard's test asserts its exact boundary: the 10th failure still reaches the password check, the 11th does not. */
describe('the login throttle', () => {
  const fail = (throttle: ReturnType<typeof createLoginThrottle>, times: number, name = 'alice', address = '10.0.0.1') =>
    Array.from({ length: times }, () => throttle.attempt(name, address).ok);

  it('lets exactly 10 attempts through and refuses the 11th', () => {
    const throttle = createLoginThrottle();
    expect(fail(throttle, 10)).toEqual(Array(10).fill(true));
    expect(throttle.attempt('alice', '10.0.0.1')).toEqual({ ok: false, first: true });
    expect(throttle.attempt('alice', '10.0.0.1')).toEqual({ ok: false, first: false });
  });

  it('holds the boundary it is given', () => {
    const throttle = createLoginThrottle({ maxFailures: 3 });
    expect(fail(throttle, 4)).toEqual([true, true, true, false]);
  });

  it('counts each name from each address on its own', () => {
    const throttle = createLoginThrottle();
    fail(throttle, 10);
    expect(throttle.attempt('alice', '10.0.0.2').ok).toBe(true);
    expect(throttle.attempt('bob', '10.0.0.1').ok).toBe(true);
    expect(throttle.attempt('alice', '10.0.0.1').ok).toBe(false);
  });

  it('starts the count again after a success', () => {
    const throttle = createLoginThrottle();
    fail(throttle, 9);
    throttle.succeeded('alice', '10.0.0.1');
    expect(fail(throttle, 11)).toEqual([...Array(10).fill(true), false]);
  });
});
