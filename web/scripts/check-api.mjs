// Fails when src/api/schema.d.ts is not what the current server's OpenAPI schema generates
// (run `npm run gen:api` and commit the result).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const web = new URL('..', import.meta.url).pathname;
const binary = process.env.IGNY8_BIN ?? join(web, '..', 'target', 'debug', 'igny8');
if (!existsSync(binary)) {
  console.error(`check:api: ${binary} not found; build it first (cargo build) or set IGNY8_BIN`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'igny8-api-'));
try {
  const schema = join(dir, 'openapi.json');
  const types = join(dir, 'schema.d.ts');
  execFileSync(binary, ['openapi', '-o', schema], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, [join(web, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), schema, '-o', types], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const committed = readFileSync(join(web, 'src', 'api', 'schema.d.ts'), 'utf8');
  const fresh = readFileSync(types, 'utf8');
  if (committed !== fresh) {
    console.error('check:api: src/api/schema.d.ts is out of date with the server; run `npm run gen:api`.');
    process.exit(1);
  }
  console.log('check:api: src/api/schema.d.ts matches the server schema');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
