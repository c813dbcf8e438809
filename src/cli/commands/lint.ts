import type { Command } from "commander";
import { indexMigrationFiles } from "../../alembic/migration-files.js";
import { migrationLocator } from "../../alembic/migration-locations.js";
import { checkRange, rangeOf, readInputs, reportUnread, unreadInputsExit } from "../inputs.js";
import type { CliIO } from "../io.js";
import { configFor, configuredRules, lintSources, reportFindings } from "../linting.js";
import { addInputOptions, addLintOptions, addReportOptions, verboseOption, type CommonOptions, type LintFlags } from "../options.js";
import { inputsOf, outputsOf } from "../outputs.js";
import { settingOption, SETTINGS, withConfig } from "../settings.js";

/** `locklint lint` (the default command): findings for SQL files, stdin or a command's output. */

export interface LintOptions extends CommonOptions, LintFlags {
  alembicDir?: string[];
}

export function declareLint(program: Command): Command {
  const command = program
    .command("lint", { isDefault: true })
    .description("report risky statements: findings with lock facts and the safe alternative (the default command)");
  return addReportOptions(addInputOptions(addLintOptions(command).addOption(settingOption("alembicDir")))).addOption(verboseOption());
}

export async function runLint(files: string[], cliOptions: LintOptions, command: Command, io: CliIO): Promise<number> {
  const config = configFor(cliOptions.config, io);
  const options = withConfig(cliOptions, config, command);
  const outputs = outputsOf(options, inputsOf(files, options, config));
  const rules = configuredRules(cliOptions.rules, config);
  const { key } = SETTINGS.alembicDir;
  const migrationFiles = options.alembicDir
    ? indexMigrationFiles(options.alembicDir, cliOptions.alembicDir ? `--${key}` : `${config?.path}: ${key}`)
    : undefined;
  const inputs = await readInputs(files, io, options);
  reportUnread(inputs, io);
  const lint = await lintSources(inputs.sources, rules, options, config, {
    range: rangeOf(options),
    assumeInTransaction: options.assumeInTransaction,
    locate: migrationFiles && migrationLocator(migrationFiles),
  });
  checkRange(options, lint.revisions);
  return unreadInputsExit(inputs, await reportFindings(lint, outputs, options, io));
}
