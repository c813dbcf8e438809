import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A table of a hand-made stats file: its sizes in bytes and its rows. */
export interface StatsTable {
  name: string;
  heapBytes: number;
  totalBytes: number;
  rows: number;
}

const dir = mkdtempSync(join(tmpdir(), "locklint-stats-file-"));
let written = 0;

/** Writes a stats file as `locklint stats` would (tables of public, no indexes) and returns its path. */
export function statsFile(tables: readonly StatsTable[]): string {
  const path = join(dir, `stats-${++written}.json`);
  const body = {
    format: "locklint-stats",
    version: 1,
    collectedAt: "2026-11-26T00:00:00.000Z",
    server: { version: "15.18", versionNum: 150018 },
    source: "postgres://app:***@db/app",
    tables: tables.map((t) => ({
      schema: "public",
      name: t.name,
      kind: "table",
      reltuples: t.rows,
      liveTuples: t.rows,
      heapBytes: t.heapBytes,
      toastBytes: 0,
      totalBytes: t.totalBytes,
      indexes: [],
    })),
  };
  writeFileSync(path, JSON.stringify(body));
  return path;
}
