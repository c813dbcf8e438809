import { parseTree } from "../sql/parse-batch.js";
import { nameList, nodeKind, walk, type Node, type NodeOf, type pg } from "../sql/ast.js";

/**
 * What trace must know about a statement before it runs it, read from the statement's parse tree:
 * whether it controls the script's transaction (and how), and whether it does work that a rollback
 * cannot undo. Trace's own transaction on a server depends on both (docs/trace.md, "What trace
 * never does on a server").
 */

export type TransactionStep =
  | { step: "begin" | "commit" | "rollback" | "commit-and-chain" | "rollback-and-chain" | "prepare" }
  | { step: "savepoint" | "release" | "rollback-to"; name: string };

export interface StatementGuard {
  /** The statement begins, ends or marks the script's transaction. */
  transaction: TransactionStep | null;
  /** Never run: what it would do that trace cannot allow (anywhere, or on a server). */
  refused: { reason: string; serverOnly: boolean } | null;
  /** On a server, work a rollback does not undo: run only with --allow-commit, and then listed. */
  notRolledBack: string | null;
  /** It sets or resets lock_timeout or statement_timeout, which trace's session must keep. */
  changesTimeouts: boolean;
}

/** The transaction steps trace follows; COMMIT/ROLLBACK PREPARED it refuses (transactionGuard). */
const STEPS: Record<Exclude<pg.TransactionStmtKind, "TRANS_STMT_COMMIT_PREPARED" | "TRANS_STMT_ROLLBACK_PREPARED">, TransactionStep["step"]> = {
  TRANS_STMT_BEGIN: "begin",
  TRANS_STMT_START: "begin",
  TRANS_STMT_COMMIT: "commit",
  TRANS_STMT_ROLLBACK: "rollback",
  TRANS_STMT_PREPARE: "prepare",
  TRANS_STMT_SAVEPOINT: "savepoint",
  TRANS_STMT_RELEASE: "release",
  TRANS_STMT_ROLLBACK_TO: "rollback-to",
};

/**
 * Functions whose effect outlives a rollback: sequences (setval, nextval), other sessions and
 * connections (dblink, pg_terminate_backend), the server's files and configuration.
 */
const NOT_ROLLED_BACK_FUNCTIONS = new Set([
  "setval",
  "nextval",
  "dblink",
  "dblink_exec",
  "dblink_send_query",
  "pg_terminate_backend",
  "pg_cancel_backend",
  "pg_reload_conf",
  "pg_rotate_logfile",
  "pg_switch_wal",
  "pg_create_restore_point",
  "pg_logical_emit_message",
  "lo_export",
  "lo_import",
  "pg_file_write",
  "pg_file_rename",
  "pg_file_unlink",
  "pg_stat_reset",
  "pg_stat_reset_shared",
  "pg_stat_reset_single_table_counters",
  "pg_create_physical_replication_slot",
  "pg_create_logical_replication_slot",
  "pg_drop_replication_slot",
]);

/** Trace's own savepoints: a script using these names would release or roll back trace's work. */
export const RESERVED_SAVEPOINT = /^locklint_/i;

const NONE: StatementGuard = { transaction: null, refused: null, notRolledBack: null, changesTimeouts: false };

/**
 * The guard of one statement. One that locklint's parser rejects, or that holds several, cannot be
 * checked: on a server it is not run; in the embedded database PostgreSQL says what is wrong.
 */
export function guardOf(sql: string): StatementGuard {
  let stmts: { stmt?: Node }[];
  try {
    stmts = parseTree(sql).stmts ?? [];
  } catch {
    return { ...NONE, refused: { reason: "locklint cannot parse it, so it cannot check that it keeps trace's transaction", serverOnly: true } };
  }
  if (stmts.length > 1) return { ...NONE, refused: { reason: "it holds several statements, which trace cannot check one by one", serverOnly: true } };
  return stmts[0] ? guardOfNode(stmts[0].stmt) : NONE;
}

/** The guards of every statement of a text (--setup); null when the parser rejects it. */
export function guardsOf(sql: string): StatementGuard[] | null {
  try {
    return (parseTree(sql).stmts ?? []).map((s) => guardOfNode(s.stmt));
  } catch {
    return null;
  }
}

function guardOfNode(stmt: Node | undefined): StatementGuard {
  if (!stmt) return NONE;
  const [kind, body] = nodeKind(stmt);
  if (kind === "TransactionStmt") return transactionGuard(body);
  if (kind === "CopyStmt") return { ...NONE, refused: copyRefusal(body) };
  if (kind === "VariableSetStmt")
    return { ...NONE, changesTimeouts: body.kind === "VAR_RESET_ALL" || /^(lock|statement)_timeout$/i.test(String(body.name ?? "")) };
  if (kind === "VacuumStmt" && !body.is_vacuumcmd) return { ...NONE, notRolledBack: "ANALYZE writes the table statistics (pg_class.reltuples) in place" };
  const called = calledFunctions(stmt).find((name) => NOT_ROLLED_BACK_FUNCTIONS.has(name));
  return called ? { ...NONE, notRolledBack: `${called}() is not undone by a rollback` } : NONE;
}

function transactionGuard(body: NodeOf<"TransactionStmt">): StatementGuard {
  const kind = body.kind;
  if (kind === undefined) return NONE;
  if (kind === "TRANS_STMT_COMMIT_PREPARED" || kind === "TRANS_STMT_ROLLBACK_PREPARED") {
    return {
      ...NONE,
      refused: {
        reason: `${kind === "TRANS_STMT_COMMIT_PREPARED" ? "COMMIT" : "ROLLBACK"} PREPARED ends a prepared transaction outside trace's own`,
        serverOnly: true,
      },
    };
  }
  const step = STEPS[kind];
  if (step === "savepoint" || step === "release" || step === "rollback-to") {
    const name = String(body.savepoint_name ?? "");
    if (RESERVED_SAVEPOINT.test(name)) return { ...NONE, refused: { reason: `the savepoint name ${name} is trace's own (rename it)`, serverOnly: false } };
    return { ...NONE, transaction: { step, name } };
  }
  if (body.chain && (step === "commit" || step === "rollback"))
    return { ...NONE, transaction: { step: step === "commit" ? "commit-and-chain" : "rollback-and-chain" } };
  return { ...NONE, transaction: { step } };
}

/** COPY with data from the client hangs (trace sends none); a file or program is on the database host. */
function copyRefusal(body: NodeOf<"CopyStmt">): StatementGuard["refused"] {
  if (body.is_program) return { reason: `COPY ... ${body.is_from ? "FROM" : "TO"} PROGRAM runs a command on the database host`, serverOnly: true };
  if (!body.filename)
    return {
      reason: `COPY ... ${body.is_from ? "FROM STDIN" : "TO STDOUT"}: trace ${body.is_from ? "has no data to send (psql sends the lines after it)" : "reads no COPY data"}`,
      serverOnly: false,
    };
  if (!body.is_from) return { reason: "COPY ... TO a file writes on the database host", serverOnly: true };
  return null;
}

/**
 * The functions the statement calls, by their last name, anywhere in it, except a column's stored
 * default (CREATE TABLE, ALTER COLUMN SET DEFAULT): that is evaluated by later INSERTs, not here.
 */
function calledFunctions(stmt: Node): string[] {
  const names: string[] = [];
  const insideCreate = nodeKind(stmt)[0] === "CreateStmt";
  walk(stmt, (kind, body) => {
    if (kind === "FuncCall") names.push((nameList(body.funcname).at(-1) ?? "").toLowerCase());
    if (kind === "Constraint" && body.contype === "CONSTR_DEFAULT" && insideCreate) return "skip";
    if (kind === "AlterTableCmd" && body.subtype === "AT_ColumnDefault") return "skip";
  });
  return names;
}
