import type { Client, ClientConfig } from "pg";
import { UsageError } from "./errors.js";

/**
 * Connection strings (--db-url, DATABASE_URL) in one place: what the driver is given, how a string
 * is shown without its passwords, and the timeouts every session locklint opens runs with.
 * Accepted forms: postgres:// and postgresql:// URLs (a password in the user information or as a
 * `password=` parameter) and libpq keyword strings (`host=db user=app password=... dbname=app`).
 */

const HIDDEN = "***";

/** Timeouts of a database session, in milliseconds. */
export interface SessionTimeouts {
  /** lock_timeout: how long a statement waits for a lock another session holds. */
  lockMs: number;
  /** statement_timeout: how long one statement may run. */
  statementMs: number;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { lockMs: 5_000, statementMs: 30_000 };

/** A duration as PostgreSQL writes one: a number of milliseconds, or with ms, s or min. */
export function parseDuration(value: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|min)?\s*$/.exec(value);
  if (!match) return null;
  const ms = Number(match[1]) * { ms: 1, s: 1000, min: 60_000 }[match[2] ?? "ms"]!;
  return ms >= 1 ? Math.round(ms) : null;
}

/** A duration for messages: "5 s", "250 ms". */
export const showDuration = (ms: number) => (ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

const URL_FORM = /^postgres(?:ql)?:\/\//i;
const KEYWORD_FORM = /^\s*[a-z_]+\s*=/i;
/** `user:password@` of a URL, or of a string written without its scheme. */
const USER_INFO = /^(\s*(?:[a-z][a-z\d+.-]*:\/\/)?[^:/?#@\s]*):([^/?#\s]*)@/i;
const URL_PASSWORD_PARAM = /([?&](?:ssl)?password=)([^&#]*)/gi;
/** `password=value`, quoted or not; an unterminated quote runs to the end, as libpq would read it. */
const KEYWORD_PASSWORD = /(^|\s)((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'|'.*$|\S*)/gi;

/** The connection string with every password replaced, as written otherwise. */
export function redactUrl(connection: string): string {
  if (!URL_FORM.test(connection) && KEYWORD_FORM.test(connection)) return connection.replace(KEYWORD_PASSWORD, `$1$2${HIDDEN}`);
  return connection
    .replace(USER_INFO, (_, user: string, password: string) => (password ? `${user}:${HIDDEN}@` : `${user}:@`))
    .replace(URL_PASSWORD_PARAM, `$1${HIDDEN}`);
}

/**
 * The text with every password of the connection string replaced: the connection string itself,
 * wherever a message quotes it; the password after `user:` and before `@`, or after `password=`,
 * each as written, percent-decoded or percent-encoded. A password of 6 characters or more is
 * replaced wherever it appears, unless the shown connection string has it too (a password that is
 * the user name); a shorter one only in those places, so that a one-letter password does not eat
 * every such letter of the message.
 */
export function scrub(text: string, connection: string): string {
  if (!connection) return text;
  const shown = redactUrl(connection);
  let clean = text.split(connection).join(shown);
  for (const secret of passwordsOf(connection)) {
    for (const spelling of spellings(secret)) {
      if (spelling.length >= 6 && !shown.includes(spelling)) clean = clean.split(spelling).join(HIDDEN);
      clean = clean.split(`:${spelling}@`).join(`:${HIDDEN}@`);
      clean = clean.replace(new RegExp(`(password\\s*=\\s*'?)${escapeRegExp(spelling)}`, "gi"), `$1${HIDDEN}`);
    }
  }
  return clean;
}

/** Every password the connection string holds, as written. */
function passwordsOf(connection: string): string[] {
  const found: string[] = [];
  if (!URL_FORM.test(connection) && KEYWORD_FORM.test(connection)) {
    for (const m of connection.matchAll(KEYWORD_PASSWORD)) found.push(unquote(m[3]!));
  } else {
    const info = USER_INFO.exec(connection)?.[2];
    if (info) found.push(info);
    for (const m of connection.matchAll(URL_PASSWORD_PARAM)) found.push(m[2]!);
  }
  return found.filter((p) => p.length > 0);
}

/** A field as written, percent-decoded, and percent-encoded: a message may quote any of them. */
function spellings(field: string): string[] {
  let decoded = field;
  try {
    decoded = decodeURIComponent(field);
  } catch {
    // a lone % is taken as written
  }
  return [...new Set([field, decoded, encodeURIComponent(decoded)])];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const unquote = (value: string) => (value.startsWith("'") ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value);

/** libpq keywords the driver is given; others are refused rather than silently ignored. */
const KEYWORDS: Record<string, keyof ClientConfig | null> = {
  host: "host",
  hostaddr: "host",
  port: "port",
  user: "user",
  password: "password",
  dbname: "database",
  sslmode: null,
  connect_timeout: null,
  application_name: null,
};

/** What the driver is given for a connection string; a string of no accepted form is a usage error. */
export function clientConfig(connection: string): ClientConfig {
  if (URL_FORM.test(connection)) return { connectionString: connection };
  if (!KEYWORD_FORM.test(connection)) {
    throw new UsageError(
      `not a PostgreSQL connection string: ${redactUrl(connection)} (write postgres://user:password@host:port/database, or host=... user=... dbname=...)`,
    );
  }
  const config: Record<string, unknown> = {};
  const pairs = /([a-z_]+)\s*=\s*('(?:[^'\\]|\\.)*'|[^'\s]\S*|(?=\s|$))/gi;
  if (connection.replace(pairs, "").trim() !== "")
    throw new UsageError(`cannot read the connection string ${redactUrl(connection)}: write key=value pairs, a value with spaces in single quotes`);
  for (const m of connection.matchAll(pairs)) {
    const [key, value] = [m[1]!.toLowerCase(), unquote(m[2]!)];
    if (key === "port" && !/^\d{1,5}$/.test(value)) throw new UsageError(`${redactUrl(connection)}: port ${value} is not a port number`);
    if (!(key in KEYWORDS)) throw new UsageError(`${redactUrl(connection)}: the connection keyword ${key} is not supported (use a postgres:// URL)`);
    const field = KEYWORDS[key];
    if (field) config[field] = field === "port" ? Number(value) : value;
    if (key === "sslmode" && value !== "disable" && value !== "allow" && value !== "prefer")
      config.ssl = value.startsWith("verify") ? true : { rejectUnauthorized: false };
  }
  return config;
}

/** What a timeout error means for the user, or null when the error is not one. */
export function timeoutMessage(error: unknown, timeouts: SessionTimeouts): string | null {
  const code = (error as { code?: string }).code;
  if (code === "55P03") return `waited ${showDuration(timeouts.lockMs)} for a lock another session holds (lock_timeout; --lock-timeout changes it)`;
  if (code === "57014") return `the statement ran longer than ${showDuration(timeouts.statementMs)} (statement_timeout; --statement-timeout changes it)`;
  if (error instanceof Error && /^Query read timeout$/.test(error.message))
    return `the server did not answer within ${showDuration(timeouts.statementMs)} (--statement-timeout changes it)`;
  return null;
}

/** The SET statements of a session's timeouts. */
export const timeoutSettings = (timeouts: SessionTimeouts) => `SET lock_timeout = ${timeouts.lockMs}; SET statement_timeout = ${timeouts.statementMs}`;

/**
 * A session on the server with lock_timeout and statement_timeout set (and the driver's own
 * deadline a little later, for a server that ignores them), errors with no password.
 */
export async function connect(connection: string, applicationName: string, timeouts: SessionTimeouts): Promise<Client> {
  const { default: pg } = await import("pg"); // loaded only when a database is used: start-up stays fast
  let client: Client;
  try {
    client = new pg.Client({
      ...clientConfig(connection),
      application_name: applicationName,
      connectionTimeoutMillis: 10_000,
      query_timeout: timeouts.statementMs + 5_000,
    });
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // the driver parses a URL as it is given (an invalid port, a bracket left open)
    throw new UsageError(
      scrub(`not a valid connection string: ${redactUrl(connection)} (${error instanceof Error ? error.message : String(error)})`, connection),
    );
  }
  client.on("error", () => undefined); // a dropped connection fails the next query, which says so
  try {
    await client.connect();
    await client.query(timeoutSettings(timeouts));
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new UsageError(scrub(`cannot connect to ${redactUrl(connection)}: ${error instanceof Error ? error.message : String(error)}`, connection));
  }
  return client;
}
