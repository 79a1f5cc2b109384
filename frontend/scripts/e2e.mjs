// End-to-end run: build the app, start `mireru serve --no-sample` on a temporary data dir and a
// free port, wait until /api/v1/health is ok (and a worker is up), run the Playwright specs
// against it with Debian's chromium, and always stop the server and remove the data dir.
//   npm run e2e [-- <playwright test args, e.g. a spec file or --grep>]
//   --no-build            use the build already in backend/mireru/static
//   MIRERU_E2E_TOKEN=...  run the server with MIRERU_ADMIN_TOKEN and the specs with that token
//   MIRERU_BIN=...        the mireru command (default ../.venv/bin/mireru)
//   CHROMIUM_PATH=...     the browser (default /usr/bin/chromium)
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(frontend, '..');
const args = process.argv.slice(2);
const build = !args.includes('--no-build');
const playwrightArgs = args.filter((a) => a !== '--no-build');
const mireru = process.env.MIRERU_BIN ?? join(repo, '.venv/bin/mireru');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const token = process.env.MIRERU_E2E_TOKEN ?? '';
const STARTUP_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

const log = (message) => console.log(`[e2e] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(message) {
  console.error(`[e2e] ${message}`);
  process.exit(2);
}

if (!existsSync(chromium)) fail(`no browser at ${chromium}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
if (!existsSync(mireru)) fail(`no mireru command at ${mireru}: run \`make install\` first or set MIRERU_BIN`);

if (build) {
  log('building the app (vite build)');
  const result = spawnSync(process.execPath, [join(frontend, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: frontend,
    stdio: 'inherit',
  });
  if (result.status !== 0) fail('the build failed');
}
if (!existsSync(join(repo, 'backend/mireru/static/index.html'))) fail('the app is not built: run `npm run build`');

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'mireru-e2e-'));
const logPath = join(dataDir, 'server.log');
const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
let server = null;
let exited = null;
let cleaning = null;

async function stopServer() {
  if (!server || exited) return;
  log('stopping the server');
  try {
    process.kill(-server.pid, 'SIGINT'); // its whole process group: API, worker
  } catch {
    /* already gone */
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (!exited && Date.now() < deadline) await sleep(100);
  if (!exited) {
    log('the server did not stop in time: killing it');
    try {
      process.kill(-server.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    while (!exited && Date.now() < deadline + 5000) await sleep(100);
  }
}

function cleanup() {
  cleaning ??= (async () => {
    await stopServer();
    rmSync(dataDir, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

function serverLogTail() {
  try {
    return readFileSync(logPath, 'utf8').split('\n').slice(-40).join('\n');
  } catch {
    return '(no server log)';
  }
}

async function waitForHealth() {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the server exited (${exited}) before it was healthy`);
    try {
      const response = await fetch(`${baseUrl}/api/v1/health`);
      const body = await response.json();
      if (response.ok && body.workers?.length > 0) return body;
      last = `${response.status} ${JSON.stringify(body)}`;
    } catch (error) {
      last = String(error?.cause?.code ?? error);
    }
    await sleep(250);
  }
  throw new Error(`the server was not healthy within ${STARTUP_TIMEOUT_MS / 1000}s (last: ${last})`);
}

let status = 1;
try {
  log(`starting mireru serve on ${baseUrl} (data in ${dataDir})`);
  const out = createWriteStream(logPath);
  const env = { ...process.env, PYTHONUNBUFFERED: '1' };
  if (token) env.MIRERU_ADMIN_TOKEN = token;
  else delete env.MIRERU_ADMIN_TOKEN;
  server = spawn(mireru, ['serve', '--data-dir', dataDir, '--port', String(port), '--no-sample'], {
    cwd: repo,
    env,
    detached: true, // a process group of its own, stopped as one
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.pipe(out);
  server.stderr.pipe(out);
  server.on('exit', (code, signal) => {
    exited = signal ?? `code ${code}`;
  });
  const started = Date.now();
  const health = await waitForHealth();
  log(`server ${health.version} healthy in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const cli = join(frontend, 'node_modules/@playwright/test/cli.js');
  const run = spawn(process.execPath, [cli, 'test', ...playwrightArgs], {
    cwd: frontend,
    stdio: 'inherit',
    env: { ...process.env, MIRERU_E2E_URL: baseUrl, MIRERU_E2E_TOKEN: token, CHROMIUM_PATH: chromium },
  });
  status = await new Promise((r) => run.on('exit', (code) => r(code ?? 1)));
  if (status !== 0) {
    console.error(`[e2e] the specs failed; the server's last log lines:\n${serverLogTail()}`);
  }
} catch (error) {
  console.error(`[e2e] ${error instanceof Error ? error.message : error}\n${serverLogTail()}`);
  status = 1;
} finally {
  await cleanup();
}
process.exit(status);
