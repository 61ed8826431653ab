import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A port nobody listens on right now (asked of the kernel, then let go). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `npm start` (or any npm script) as a user runs it, in a process group of its own. */
export interface LibraProcess {
  child: ChildProcess;
  port: number;
  base: string;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  exited: Promise<Exit>;
  /** Resolves once a printed line matches, rejects when the process ends first or time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  /** Resolves once /health answers 200. */
  waitForHealth(timeoutMs: number): Promise<void>;
  /** Sends a signal to the whole group, as a terminal's Ctrl+C or a supervisor would. */
  signal(signal: NodeJS.Signals): void;
}

export function startNpm(
  script: string[],
  env: Record<string, string | undefined>,
  port: number,
): LibraProcess {
  const childEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...env }))
    if (value !== undefined) childEnv[key] = value;
  const child = spawn('npm', script, {
    cwd: ROOT,
    env: childEnv,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let ended = false;
  const exited = new Promise<Exit>((resolve) =>
    // 'close', not 'exit': everything it printed has arrived by then.
    child.once('close', (code, signal) => {
      ended = true;
      resolve({ code, signal });
      for (const listener of listeners) listener();
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    base,
    output: () => text,
    exited,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) return done(resolve);
          if (ended) return done(() => reject(new Error(`ended before printing ${pattern}:\n${text}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${text}`))),
          timeoutMs,
        );
        const done = (then: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          then();
        };
        listeners.add(check);
        check();
      }),
    waitForHealth: async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (ended) throw new Error(`ended before serving:\n${text}`);
        try {
          const res = await fetch(`${base}/health`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`no /health within ${timeoutMs} ms:\n${text}`);
    },
    signal: (signal) => {
      if (child.pid && !ended) process.kill(-child.pid, signal);
    },
  };
}

/** Ends a process group that a failed test left behind. */
export function killGroup(p: LibraProcess | undefined): void {
  try {
    if (p?.child.pid && p.child.exitCode === null && p.child.signalCode === null)
      process.kill(-p.child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
