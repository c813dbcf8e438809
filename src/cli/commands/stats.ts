import type { Command } from "commander";
import { plural } from "../../common/text.js";
import { UsageError } from "../../common/errors.js";
import { collectStats } from "../../cost/stats.js";
import { writeReportFile } from "../../report/output-file.js";
import { EXIT_OK, type CliIO } from "../io.js";
import { addTimeoutOptions } from "../options.js";

/** `locklint stats`: table sizes from a database into a stats file. */

export interface StatsOptions {
  dbUrl?: string;
  output: string;
  lockTimeout: number;
  statementTimeout: number;
}

export function declareStats(program: Command): Command {
  const command = program
    .command("stats")
    .description("read table sizes and row counts from a database (read-only) into a stats file for lock-time estimates")
    .option(
      "--db-url <url>",
      "postgres://user:password@host:port/database, or host=... user=... password=... dbname=... (default: $DATABASE_URL); the password is never printed",
    )
    .option("-o, --output <file>", "where to write the stats JSON", "locklint-stats.json");
  return addTimeoutOptions(command, "on the server");
}

export async function runStats(options: StatsOptions, io: CliIO): Promise<number> {
  const url = options.dbUrl ?? io.env.DATABASE_URL;
  if (!url) throw new UsageError("no database: give --db-url postgres://... or set DATABASE_URL");
  const stats = await collectStats(url, { lockMs: options.lockTimeout, statementMs: options.statementTimeout });
  await writeReportFile(options.output, JSON.stringify(stats, null, 2) + "\n");
  io.stdout.write(`wrote ${plural(stats.tables.length, "table")} of ${stats.source} (PostgreSQL ${stats.server.version}) to ${options.output}\n`);
  return EXIT_OK;
}
