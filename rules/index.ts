import type { Rule } from "../src/rule.js";
import addingFieldWithVolatileDefault from "./adding-field-with-volatile-default.js";
import addingPrimaryKey from "./adding-primary-key.js";
import addingRequiredField from "./adding-required-field.js";
import addingUniqueConstraint from "./adding-unique-constraint.js";
import changingColumnType from "./changing-column-type.js";
import concurrentIndexInTransaction from "./concurrent-index-in-transaction.js";
import constraintMissingNotValid from "./constraint-missing-not-valid.js";
import droppingColumn from "./dropping-column.js";
import droppingTable from "./dropping-table.js";
import renamingColumn from "./renaming-column.js";
import renamingTable from "./renaming-table.js";
import requireConcurrentIndexCreation from "./require-concurrent-index-creation.js";
import requireConcurrentIndexDeletion from "./require-concurrent-index-deletion.js";
import requireLockTimeout from "./require-lock-timeout.js";
import settingNotNull from "./setting-not-null.js";
import syntaxError from "./syntax-error.js";

/** The rule catalog, in the order findings of one statement are reported. */
export const RULES: readonly Rule[] = [
  syntaxError,
  concurrentIndexInTransaction,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  addingRequiredField,
  addingFieldWithVolatileDefault,
  changingColumnType,
  settingNotNull,
  constraintMissingNotValid,
  addingUniqueConstraint,
  addingPrimaryKey,
  renamingColumn,
  renamingTable,
  droppingColumn,
  droppingTable,
  requireLockTimeout,
];
