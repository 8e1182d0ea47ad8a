import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/** STYLE.md: an area never imports another area's internals; what several areas share lives in components/. */
const pages = path.dirname(new URL(import.meta.url).pathname);
const areas = readdirSync(pages).filter((f) => statSync(path.join(pages, f)).isDirectory());

const filesOf = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = path.join(dir, f);
  return statSync(p).isDirectory() ? filesOf(p) : /\.tsx?$/.test(f) ? [p] : [];
});

describe('console areas', () => {
  it('import nothing from another area\'s folder', () => {
    const crossings: string[] = [];
    for (const area of areas) {
      for (const file of filesOf(path.join(pages, area))) {
        // Static imports, re-exports (`export … from`) and dynamic `import('…')` alike.
        for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)) {
          if (!spec.startsWith('.')) continue;
          const target = path.relative(pages, path.resolve(path.dirname(file), spec));
          const targetArea = target.split(path.sep)[0];
          if (!target.startsWith('..') && areas.includes(targetArea) && targetArea !== area) crossings.push(`${path.relative(pages, file)} → ${target}`);
        }
      }
    }
    expect(crossings).toEqual([]);
  });
});
