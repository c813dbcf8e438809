import type { Finding } from "../lint/findings.js";
import { describeLock, firstExistingLock, visible } from "./describe.js";
import { joinLines, type Report } from "./stream.js";
import type { Summary } from "./text.js";

/** `--format github`: one workflow command per finding, so that GitHub annotates the lines. */
export function* formatGithub(findings: readonly Finding[], summary: Summary): Report {
  // a bidi override or control character in an identifier would hide or reorder what the annotation shows
  yield* joinLines(annotations(findings, summary), visible);
  yield "\n";
}

function* annotations(findings: readonly Finding[], summary: Summary): Generator<string> {
  for (const f of findings) {
    // the annotation goes on the migration file when it is known: that is the file the pull request changed
    const place = f.migration
      ? [`file=${property(f.migration.file)}`, `line=${f.migration.line}`, `col=${f.migration.column}`]
      : [`file=${property(f.file)}`, `line=${f.line}`, `col=${f.column}`, `endLine=${f.endLine}`, `endColumn=${f.endColumn}`];
    const properties = [...place, `title=${property(`locklint ${f.rule}`)}`].join(",");
    const lock = firstExistingLock(f);
    const revision = f.revision?.id ? ` (revision ${f.revision.id})` : "";
    const sqlPlace = f.migration ? `\nSQL: ${f.file}:${f.line}: ${f.sql}` : "";
    const body = `${f.message}${revision}${sqlPlace}${lock ? `\n${describeLock(lock)}` : ""}\n${f.help.text}${f.help.sql ? `\n${f.help.sql}` : ""}`;
    yield `::${f.severity === "error" ? "error" : "warning"} ${properties}::${data(body)}`;
  }
  yield `locklint: ${summary.errors} error${summary.errors === 1 ? "" : "s"}, ${summary.warnings} warning${summary.warnings === 1 ? "" : "s"} in ${summary.statements} statements`;
}

/** Escaping of workflow-command messages. */
function data(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escaping of workflow-command properties. */
function property(text: string): string {
  return data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
