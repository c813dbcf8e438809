import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";
import { UsageError } from "./errors.js";

/**
 * The child processes locklint starts and waits for (`locklint alembic`'s Python, `--sql-command`'s
 * shell): each runs in its own process group, so that it and everything it starts can be stopped
 * together; it is stopped when its time is up, when locklint gets SIGINT, SIGTERM or SIGHUP, and
 * when locklint exits for any other reason; what it leaves running in the background is stopped
 * when it ends. Nothing locklint starts outlives it (but after a SIGKILL of locklint itself, which
 * no process can catch, or a process that leaves the group with setsid).
 */

/** The default of --timeout: how long a child may run, in seconds. */
export const DEFAULT_TIMEOUT_SECONDS = 300;
/** After SIGTERM, how long a process group gets to exit before SIGKILL. */
const GRACE_MS = 2000;
const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
/** POSIX process groups; on Windows only the child itself can be stopped. */
const GROUPS = process.platform !== "win32";

export interface ChildOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Run `command` through the shell (args must then be empty). */
  shell?: boolean;
  /** Stopped (and the run an error) after this many seconds. */
  timeoutSeconds: number;
  /** What runs, for the timeout message, e.g. `alembic upgrade base:heads --sql`. */
  what: string;
}

export interface Child {
  stdout: Readable;
  stderr: Readable;
  /** Stops the child and its process group (e.g. its output is too big to read). */
  stop(): void;
  /**
   * How it ended; rejects with the spawn error (it could not start) or a UsageError when its time
   * was up.
   */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

type Running = ChildProcessByStdio<null, Readable, Readable>;

const running = new Set<Running>();

/** Starts a child process in its own process group, with a timeout; it dies with locklint. */
export function startChild(command: string, args: readonly string[], options: ChildOptions): Child {
  // listening before the spawn: a signal that comes while it starts is handled once it is tracked
  listen();
  let child: Running;
  try {
    child = spawn(command, args, { cwd: options.cwd, env: options.env, shell: options.shell, detached: GROUPS, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    if (running.size === 0) unlisten();
    throw error;
  }
  running.add(child);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop(child);
  }, options.timeoutSeconds * 1000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on("error", (error) => {
      clearTimeout(timer);
      untrack(child);
      reject(error);
    });
    child.on("close", (code, status) => {
      clearTimeout(timer);
      untrack(child);
      // what it left running in the background (`cmd &`) ends with it
      signal(child, "SIGKILL");
      if (timedOut)
        reject(
          new UsageError(`${options.what}: did not finish within ${options.timeoutSeconds} s, stopped; nothing was linted (--timeout SECONDS allows longer)`),
        );
      else resolve({ code, signal: status });
    });
  });
  return { stdout: child.stdout, stderr: child.stderr, stop: () => stop(child), exited };
}

/** SIGTERM to the child's process group, SIGKILL after a grace period if it is still there. */
function stop(child: Running): void {
  signal(child, "SIGTERM");
  if (!running.has(child)) return;
  const kill = setTimeout(() => signal(child, "SIGKILL"), GRACE_MS);
  kill.unref();
  child.once("close", () => clearTimeout(kill));
}

function signal(child: Running, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // the group, even when its leader is gone: what the shell started may still hold the pipes
    if (GROUPS) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // ESRCH: the group is gone already
  }
}

/** While a child runs, locklint's own end (a signal, or exit) ends it too. */
function listen(): void {
  if (running.size > 0) return;
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  process.on("exit", onExit);
}

function untrack(child: Running): void {
  if (running.delete(child) && running.size === 0) unlisten();
}

function unlisten(): void {
  for (const name of STOP_SIGNALS) process.off(name, onSignal);
  process.off("exit", onExit);
}

/**
 * locklint was told to stop: stop the children, give them the grace period, then die of the same
 * signal (the listener took over its default action), so that the caller sees the usual status.
 */
function onSignal(name: NodeJS.Signals): void {
  const children = [...running];
  for (const name of STOP_SIGNALS) process.off(name, onSignal);
  const die = () => process.kill(process.pid, name);
  let left = children.length;
  for (const child of children) {
    child.once("close", () => --left === 0 && die());
    stop(child);
  }
  setTimeout(die, GRACE_MS + 100).unref();
}

/** locklint exits with children still running (an error elsewhere, process.exit): no time to wait, SIGKILL. */
function onExit(): void {
  for (const child of running) signal(child, "SIGKILL");
}
