import type { Command } from "commander";
import { UsageError } from "../../common/errors.js";
import { analyze, type AnalyzedStatement } from "../../lint/analyze.js";
import { buildTimelines, type TransactionTimeline } from "../../lint/timeline.js";
import type { Colors } from "../../report/colors.js";
import { formatLocksJson } from "../../report/json.js";
import { formatLocksText } from "../../report/locks-text.js";
import type { Report } from "../../report/stream.js";
import { unmodelledReport } from "../../report/text.js";
import { loadParser } from "../../sql/parse.js";
import { checkRange, rangeOf, readInputs, reportUnread, unreadInputsExit } from "../inputs.js";
import { EXIT_INTERNAL, EXIT_OK, type CliIO } from "../io.js";
import { configFor, loadSizes, reportInternalErrors, startingSchemaOf } from "../linting.js";
import type { Format } from "../option-values.js";
import { addInputOptions, addReportOptions, verboseOption, type CommonOptions } from "../options.js";
import { inputsOf, outputsOf, writeOutputs } from "../outputs.js";
import { withConfig } from "../settings.js";

/** `locklint locks`: the lock every statement takes, and each transaction's timeline. */

export function declareLocks(program: Command): Command {
  return addReportOptions(
    addInputOptions(program.command("locks").description("show the lock every statement takes: relation, mode, what it blocks, rewrite, scan")),
  ).addOption(verboseOption());
}

type LocksRender = (statements: readonly AnalyzedStatement[], timelines: readonly TransactionTimeline[], colors: Colors) => Report;

/** The report of each format; the formats about findings are not this command's. */
const LOCKS_REPORTS: Record<Format, LocksRender | "findings only"> = {
  text: (statements, timelines, colors) => formatLocksText(statements, timelines, colors),
  json: (statements, timelines) => formatLocksJson(statements, timelines),
  github: "findings only",
  markdown: "findings only",
  sarif: "findings only",
};

export async function runLocks(files: string[], cliOptions: CommonOptions, command: Command, io: CliIO): Promise<number> {
  // the configuration file applies as to lint: pg-version, stats, assume-in-transaction, max-input-mb
  const config = configFor(cliOptions.config, io);
  const options = withConfig(cliOptions, config, command);
  const outputs = outputsOf(options, inputsOf(files, options, config));
  const inputs = await readInputs(files, io, options);
  reportUnread(inputs, io);
  await loadParser();
  const sizes = await loadSizes(options, config);
  const startingSchema = await startingSchemaOf(options);
  const analysis = analyze(inputs.sources, {
    startingSchema,
    pgVersion: options.pgVersion,
    rules: [],
    keepStatements: true,
    sizes,
    range: rangeOf(options),
    assumeInTransaction: options.assumeInTransaction,
  });
  checkRange(options, analysis.revisions);
  const timelines = buildTimelines(analysis.analyzed);
  await writeOutputs(outputs, options, io, (format, colors) => {
    const render = LOCKS_REPORTS[format];
    if (render === "findings only") throw new UsageError(`locklint locks has no ${format} format: use text or json`);
    const report = render(analysis.analyzed, timelines, colors);
    // --verbose: what was not modelled, after the text report (the JSON report always says it)
    return format === "text" && options.verbose ? followedBy(report, unmodelledReport(analysis.unmodelled, colors)) : report;
  });
  if (reportInternalErrors(analysis, io)) return EXIT_INTERNAL;
  return unreadInputsExit(inputs, EXIT_OK);
}

/** One report, then another, each still produced as it is written. */
function* followedBy(report: Report, more: Report): Report {
  yield* report;
  yield* more;
}
