import { describe, expect, it } from 'vitest';
import { parseQuery, parseSort, queryTimeToIso } from './harbor-query.ts';

describe("Harbor's q syntax", () => {
  const keys = ['name', 'public', 'operation', 'op_time', 'tags', 'labels'];
  it('reads exact, fuzzy, range, any-of and all-of conditions', () => {
    expect(parseQuery('name=~foo,public=true', keys)).toEqual([
      { key: 'name', op: 'fuzzy', value: 'foo' }, { key: 'public', op: 'exact', value: 'true' },
    ]);
    expect(parseQuery('operation={create delete},op_time=[2024-01-01 00:00:00~2024-02-01 00:00:00]', keys)).toEqual([
      { key: 'operation', op: 'or', values: ['create', 'delete'] },
      { key: 'op_time', op: 'range', min: '2024-01-01 00:00:00', max: '2024-02-01 00:00:00' },
    ]);
    expect(parseQuery('labels=(1 2),tags=*', keys)).toEqual([
      { key: 'labels', op: 'and', values: ['1', '2'] }, { key: 'tags', op: 'exact', value: '*' },
    ]);
    expect(parseQuery('name="a,b"', keys)).toEqual([{ key: 'name', op: 'exact', value: 'a,b' }]);
  });
  it('refuses keys the list does not support, with a clear message', () => {
    expect(() => parseQuery('owner=x', keys)).toThrow(/unsupported query key: owner/);
    expect(() => parseQuery('garbage', keys)).toThrow(/invalid query/);
  });
  it('reads sort fields with a minus for descending', () => {
    expect(parseSort('name,-creation_time', ['name', 'creation_time'])).toEqual([{ key: 'name', desc: false }, { key: 'creation_time', desc: true }]);
    expect(() => parseSort('password', ['name'])).toThrow(/unsupported sort key/);
  });
  it('reads Harbor query times as UTC', () => {
    expect(queryTimeToIso('2024-01-01 00:00:00')).toBe('2024-01-01T00:00:00.000Z');
  });
});
