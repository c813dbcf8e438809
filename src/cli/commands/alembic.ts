import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import { RevisionHistory } from "../../alembic/history.js";
import { indexMigrationFiles } from "../../alembic/migration-files.js";
import { migrationLocator } from "../../alembic/migration-locations.js";
import { checkRendered, renderHistory } from "../../alembic/offline.js";
import { findAlembicIni, readAlembicProject } from "../../alembic/project.js";
import { selectRevisions } from "../../alembic/selection.js";
import { UsageError } from "../../common/errors.js";
import { DEFAULT_MAX_INPUT_MB, MB } from "../../sql/source.js";
import type { CliIO } from "../io.js";
import { configFor, configuredRules, lintSources, reportFindings } from "../linting.js";
import { collect } from "../option-values.js";
import { addLintOptions, addReportOptions, timeoutOption, type LintFlags, type ReportOptions } from "../options.js";
import { inputsOf, outputsOf } from "../outputs.js";
import { settingOption, withConfig } from "../settings.js";

/** `locklint alembic`: renders an alembic project's history with its own alembic and lints the revisions a branch adds. */

export interface AlembicOptions extends ReportOptions, LintFlags {
  /** alembic.ini, as alembic's own --config. */
  config?: string;
  name: string;
  x?: string[];
  python?: string;
  sinceRef?: string;
  revision?: string[];
  all?: boolean;
  downgrade?: boolean;
  locklintConfig?: string;
  /** --timeout: seconds alembic may run. */
  timeout: number;
  /** --max-input-mb: the most SQL alembic may print. */
  maxInputMb?: number;
}

export function declareAlembic(program: Command): Command {
  const command = program
    .command("alembic")
    .description("lint an alembic project: render its whole history offline with its own alembic, report the revisions a branch adds, at their .py lines")
    .option("-c, --config <file>", "alembic.ini (default: the first found from here upwards)")
    .option("-n, --name <section>", "the ini section of the database to lint, as alembic's --name", "alembic")
    .option("-x <key=value>", "passed to alembic as -x key=value (repeatable)", collect)
    .option(
      "--python <path>",
      "the Python that runs alembic (default: the first that can import alembic of the active virtualenv, the project's .venv or venv, python3 and python on PATH)",
    )
    .option(
      "--since-ref <ref>",
      "report the revisions whose files are added or changed since this git ref (git diff REF...HEAD, plus changes not committed yet)",
    )
    .option("--revision <rev>", "report this revision: an id, a unique start of one, a branch label or heads (repeatable)", collect)
    .option("--all", "report every revision")
    .option("--downgrade", "also lint the downgrade path of the reported revisions")
    .addOption(timeoutOption("alembic"))
    .addOption(settingOption("maxInputMb", "alembic's SQL (its standard output)"))
    .option("--locklint-config <file>", "locklint's configuration file (default: locklint.toml, or [tool.locklint] in pyproject.toml, from here upwards)");
  return addReportOptions(addLintOptions(command));
}

export async function runAlembic(cliOptions: AlembicOptions, command: Command, io: CliIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const config = configFor(cliOptions.locklintConfig, io);
  const options = withConfig(cliOptions, config, command);
  const rules = configuredRules(cliOptions.rules, config);
  const project = readAlembicProject(findAlembicIni(cwd, options.config), options.name);
  const migrationFiles = indexMigrationFiles(project.versionLocations, `${project.ini}: version location`);
  const outputs = outputsOf(options, inputsOf([project.ini, ...[...migrationFiles.values()].map((f) => f.path)], options, config));
  const history = new RevisionHistory(migrationFiles);
  const selection = selectRevisions(history, options, cwd);
  io.stderr.write(`locklint alembic: ${selection.description}\n`);
  const log = (line: string) => io.stderr.write(`locklint alembic: ${line}\n`);
  const maxBytes = (options.maxInputMb ?? DEFAULT_MAX_INPUT_MB) * MB;
  const rendering = await renderHistory(project, {
    python: options.python,
    x: options.x,
    downgrade: options.downgrade,
    env: io.env,
    cwd,
    log,
    timeoutSeconds: options.timeout,
    maxBytes,
  });
  checkRendered(
    rendering,
    [...selection.revisions].map((id) => history.files.get(id)!),
    { downgrade: options.downgrade, cwd },
  );
  // the .py paths (absolute, or from the ini's directory) as the user would write them: from where locklint runs
  const locate = migrationLocator(migrationFiles, (path) => relative(cwd, resolve(dirname(project.ini), path)));
  const lint = await lintSources(rendering.sources, rules, options, config, {
    range: { revisions: selection.revisions, together: selection.together },
    locate,
  });
  // an empty rendering must not pass as clean
  if (history.ids.length > 0 && lint.revisions.size === 0)
    throw new UsageError(
      `alembic printed no revision of ${project.ini} on its standard output (no "-- Running upgrade" line): does env.py send the SQL elsewhere (output_buffer)?`,
    );
  return reportFindings(lint, outputs, options, io);
}
