// End-to-end run: build the app, start throwaway `mireru serve --no-sample` servers on temporary
// data dirs and free ports, wait until /api/v1/health is ok, run the Playwright specs against them
// with Debian's chromium, and always stop the servers and remove their data dirs.
//   npm run e2e [-- <playwright test args, e.g. a spec file or --grep>]
//   --no-build            use the build already in backend/mireru/static
//   --only=open|auth      start one server only (and run only its specs)
//   MIRERU_E2E_TOKEN=...  run the open server with MIRERU_ADMIN_TOKEN and the specs with that token
//   MIRERU_BIN=...        the mireru command (default ../.venv/bin/mireru)
//   CHROMIUM_PATH=...     the browser (default /usr/bin/chromium)
//
// Two servers, started side by side:
//   open  tests/*.spec.ts: the single-user mode (no account exists), with one RQ worker; training
//         steps are slowed a little (MIRERU_TRAINING_STEP_DELAY_S) so a run's curve is seen moving.
//   auth  tests/auth/*.spec.ts: an administrator is created with `mireru users create-admin` before
//         the server starts, so every route asks for a sign-in; no worker.
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
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? null;
const playwrightArgs = args.filter((a) => a !== '--no-build' && !a.startsWith('--only='));
const mireru = process.env.MIRERU_BIN ?? join(repo, '.venv/bin/mireru');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const token = process.env.MIRERU_E2E_TOKEN ?? '';
const ADMIN = { username: 'e2e-admin', password: `e2e-${Math.random().toString(36).slice(2)}-pass` };
const STARTUP_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 30_000;

const log = (message) => console.log(`[e2e] ${message}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(message) {
  console.error(`[e2e] ${message}`);
  process.exit(2);
}

if (only && only !== 'open' && only !== 'auth') fail(`--only takes open or auth, not ${only}`);
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

/** The environment of a server: ours, without settings that would change what the specs expect. */
function serverEnv(extra) {
  const env = { ...process.env, PYTHONUNBUFFERED: '1', ...extra };
  for (const key of ['MIRERU_ADMIN_TOKEN', 'MIRERU_DATABASE_URL', 'MIRERU_REDIS_URL', 'MIRERU_DATA_DIR']) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

class Server {
  constructor(name, { env = {}, workers = 1, admin = null }) {
    this.name = name;
    this.env = env;
    this.workers = workers;
    this.admin = admin;
    this.dataDir = mkdtempSync(join(tmpdir(), `mireru-e2e-${name}-`));
    this.logPath = join(this.dataDir, 'server.log');
    this.proc = null;
    this.exited = null;
    this.baseUrl = '';
  }

  async start() {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    const out = createWriteStream(this.logPath);
    if (this.admin) {
      // Before the server starts, so that it comes up asking for a sign-in.
      log(`${this.name}: creating the administrator ${this.admin.username}`);
      const made = spawnSync(
        mireru,
        ['users', 'create-admin', this.admin.username, '--password', this.admin.password, '--data-dir', this.dataDir],
        { cwd: repo, env: serverEnv({}), encoding: 'utf8' },
      );
      if (made.status !== 0) throw new Error(`${this.name}: create-admin failed (${made.status}): ${made.stderr || made.stdout}`);
    }
    log(`${this.name}: starting mireru serve on ${this.baseUrl} (data in ${this.dataDir})`);
    const started = Date.now();
    this.proc = spawn(
      mireru,
      ['serve', '--data-dir', this.dataDir, '--port', String(port), '--no-sample', '--workers', String(this.workers)],
      { cwd: repo, env: serverEnv(this.env), detached: true, stdio: ['ignore', 'pipe', 'pipe'] }, // its own process group
    );
    this.proc.stdout.pipe(out);
    this.proc.stderr.pipe(out);
    this.proc.on('exit', (code, signal) => {
      this.exited = signal ?? `code ${code}`;
    });
    const health = await this.waitForHealth();
    log(`${this.name}: server ${health.version} healthy in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }

  async waitForHealth() {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.name}: the server exited (${this.exited}) before it was healthy`);
      try {
        const response = await fetch(`${this.baseUrl}/api/v1/health`);
        const body = await response.json();
        const workersUp = this.workers === 0 || body.workers?.length > 0;
        if (body.database?.ok && body.redis?.ok && workersUp) return body;
        last = `${response.status} ${JSON.stringify(body)}`;
      } catch (error) {
        last = String(error?.cause?.code ?? error);
      }
      await sleep(250);
    }
    throw new Error(`${this.name}: the server was not healthy within ${STARTUP_TIMEOUT_MS / 1000}s (last: ${last})`);
  }

  async stop() {
    if (this.proc && !this.exited) {
      log(`${this.name}: stopping the server`);
      try {
        process.kill(-this.proc.pid, 'SIGINT'); // its whole process group: API, workers
      } catch {
        /* already gone */
      }
      const deadline = Date.now() + STOP_TIMEOUT_MS;
      while (!this.exited && Date.now() < deadline) await sleep(100);
      if (!this.exited) {
        log(`${this.name}: the server did not stop in time: killing it`);
        try {
          process.kill(-this.proc.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
        while (!this.exited && Date.now() < deadline + 5000) await sleep(100);
      }
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  logTail() {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no server log)';
    }
  }
}

const servers = [];
if (only !== 'auth') {
  // Projects start bare (no default MobileNetV2 space): specs create the spaces they test, and
  // the one worker is not kept busy embedding every upload of every spec.
  const env = { MIRERU_TRAINING_STEP_DELAY_S: '0.15', MIRERU_DEFAULT_SPACE: 'false' };
  if (token) env.MIRERU_ADMIN_TOKEN = token;
  servers.push(new Server('open', { env }));
}
if (only !== 'open') servers.push(new Server('auth', { workers: 0, admin: ADMIN }));

let cleaning = null;
function cleanup() {
  cleaning ??= Promise.all(servers.map((s) => s.stop()));
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  });
}

let status = 1;
try {
  await Promise.all(servers.map((s) => s.start()));
  const open = servers.find((s) => s.name === 'open');
  const auth = servers.find((s) => s.name === 'auth');
  const cli = join(frontend, 'node_modules/@playwright/test/cli.js');
  const run = spawn(process.execPath, [cli, 'test', ...playwrightArgs], {
    cwd: frontend,
    stdio: 'inherit',
    env: {
      ...process.env,
      MIRERU_E2E_URL: open?.baseUrl ?? '',
      MIRERU_E2E_TOKEN: token,
      MIRERU_E2E_AUTH_URL: auth?.baseUrl ?? '',
      MIRERU_E2E_ADMIN_USER: ADMIN.username,
      MIRERU_E2E_ADMIN_PASSWORD: ADMIN.password,
      CHROMIUM_PATH: chromium,
    },
  });
  status = await new Promise((r) => run.on('exit', (code) => r(code ?? 1)));
  if (status !== 0) {
    for (const s of servers) console.error(`[e2e] the specs failed; the ${s.name} server's last log lines:\n${s.logTail()}`);
  }
} catch (error) {
  console.error(`[e2e] ${error instanceof Error ? error.message : error}`);
  for (const s of servers) console.error(`[e2e] the ${s.name} server's last log lines:\n${s.logTail()}`);
  status = 1;
} finally {
  await cleanup();
}
process.exit(status);
