/**
 * `detkit serve` as a user runs it: the built CLI spawned on a free loopback port, for the
 * end-to-end, load and fault tests and the serve benchmark. The address is read from the server's
 * `{"event":"listening","address":…}` log line (stdout or stderr).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ServerProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  /** Everything the server printed so far (stdout and stderr). */
  log(): string;
  /** Resident set size of the server process in MB (Linux /proc). */
  rssMB(): number;
  stop(): Promise<void>;
}

/** detkit's JSON event line, or a plain "listening on <url>". */
const LISTENING = /"event":"listening","address":"([^"]+)"|listening (?:on|at) (https?:\/\/[^\s"]+:\d+)/i;

export interface ServerProcessOptions {
  timeoutMs?: number;
  /** Flags for node itself, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
  /** The CLI to run (default: this build's dist/cli/detkit.js), e.g. another build to compare with. */
  cli?: string;
}

export function startServerProcess(args: string[] = [], options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const main = options.cli ?? join(process.cwd(), 'dist/cli/detkit.js');
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), main, 'serve', '--host', '127.0.0.1', '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CI: '1' },
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => fail(new Error('timed out waiting for the listening line')),
      options.timeoutMs ?? 60_000,
    );
    function fail(error: Error) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`detkit serve ${args.join(' ')}: ${error.message}\n${output.slice(-2000)}`));
    }
    function onData(chunk: Buffer) {
      output += chunk.toString();
      const m = LISTENING.exec(output);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(handle(child, (m[1] ?? m[2])!.replace('0.0.0.0', '127.0.0.1'), () => output));
    }
    function onExit(code: number | null) {
      fail(new Error(`exited with ${code} before listening`));
    }
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', onExit);
    child.on('error', fail);
  });
}

function handle(child: ChildProcess, url: string, log: () => string): ServerProcess {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid!,
    child,
    log,
    rssMB() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
      return kb / 1024;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
