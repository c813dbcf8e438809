import type { AnalyzedStatement } from "../analyze.js";
import type { Colors } from "./colors.js";
import { oneLine } from "./describe.js";

const HEADERS = ["LINE", "REVISION", "TX", "STATEMENT", "RELATION", "LOCK", "BLOCKS", "WORK"] as const;
const SQL_WIDTH = 52;

/** `locklint locks`: one row per relation a statement locks, grouped by file. */
export function formatLocksText(statements: readonly AnalyzedStatement[], c: Colors): string {
  const byFile = new Map<string, AnalyzedStatement[]>();
  for (const s of statements) {
    const list = byFile.get(s.statement.file.path) ?? [];
    list.push(s);
    byFile.set(s.statement.file.path, list);
  }
  const out: string[] = [];
  for (const [file, list] of byFile) {
    const rows: string[][] = [];
    for (const { statement, place, effects } of list) {
      const first = [
        String(statement.startPos.line),
        place.revision?.id ? place.revision.id + (place.revision.direction === "downgrade" ? " (down)" : "") : "-",
        place.transaction === null ? "-" : String(place.transaction),
        oneLine(statement.sql, SQL_WIDTH),
      ];
      const blank = ["", "", "", ""];
      if (statement.syntaxError) {
        rows.push([...first, "-", "syntax error", "-", "-"]);
        continue;
      }
      if (effects.locks.length === 0) {
        const note = !effects.analysed ? "not analysed" : !effects.transactional ? "no transaction block" : "-";
        rows.push([...first, "-", "-", "-", note]);
        continue;
      }
      effects.locks.forEach((lock, i) => {
        const work = [lock.rewrite ? "rewrite" : lock.scan ? "scan" : "", lock.novelty ? "new" : "", i === 0 && !effects.transactional ? "no transaction block" : ""]
          .filter(Boolean)
          .join(", ");
        rows.push([...(i === 0 ? first : blank), lock.relation, lock.mode, lock.blocks.join(", ") || "-", work || "-"]);
      });
    }
    out.push(c.bold(file));
    out.push(...table([...HEADERS], rows, c));
    out.push("");
  }
  out.push(`${statements.length} statement${statements.length === 1 ? "" : "s"} (alembic version-table bookkeeping omitted)`);
  return out.join("\n") + "\n";
}

function table(headers: string[], rows: string[][], c: Colors): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => Array.from(r[i] ?? "").length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell + " ".repeat(widths[i]! - Array.from(cell).length)))
      .join("  ")
      .trimEnd();
  return [c.dim(render(headers)), ...rows.map(render)];
}
