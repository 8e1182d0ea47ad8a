// `npm test`: checks the machine, type-checks, builds the SPA the server serves, runs every test, and closes with
// one line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const run = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts }).status ?? 1;
const step = (name, cmd, args) => {
  console.log(`\n== ${name}`);
  const status = run(cmd, args);
  if (status !== 0) {
    console.log(`\n${name} failed`);
    console.log('0 passed, 1 failed');
    process.exit(status);
  }
};

step('prerequisites', 'bash', ['scripts/ensure-prereqs.sh']);
step('type check', 'npx', ['tsc', '--noEmit']);
step('build the console', 'npx', ['vite', 'build', '--logLevel', 'warn']);

console.log('\n== tests');
mkdirSync('test-results', { recursive: true });
const report = path.join('test-results', 'vitest.json');
rmSync(report, { force: true });
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed = r.numPassedTests;
  failed = r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0);
  skipped = r.numPendingTests + r.numTodoTests;
}
if (status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(status === 0 && failed === 0 ? 0 : 1);
