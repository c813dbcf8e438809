import type { Rule } from "../src/lint/rule.js";
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
import alembicOfflineFailure from "./alembic-offline-failure.js";
import unusedIgnore from "./unused-ignore.js";
import lockOrder from "./lock-order.js";
import lockBudget from "./lock-budget.js";
import lockUpgrade from "./lock-upgrade.js";
import revisionsShareTransaction from "./revisions-share-transaction.js";
import preferRobustStmts from "./prefer-robust-stmts.js";
import excessiveLockTimeout from "./excessive-lock-timeout.js";
import multipleAlterTable from "./multiple-alter-table.js";
import wideIndex from "./wide-index.js";
import foreignKeyWithoutIndex from "./foreign-key-without-index.js";
import validateInSameTransaction from "./validate-in-same-transaction.js";
import lockHeldDuringSlowStatement from "./lock-held-during-slow-statement.js";
import requireConcurrentReindex from "./require-concurrent-reindex.js";
import requireConcurrentPartitionDetach from "./require-concurrent-partition-detach.js";
import requireConcurrentRefresh from "./require-concurrent-refresh.js";
import addingExclusionConstraint from "./adding-exclusion-constraint.js";
import rewritingTable from "./rewriting-table.js";
import preferRepack from "./prefer-repack.js";
import attachingPartitionWithScan from "./attaching-partition-with-scan.js";
import banTruncateCascade from "./ban-truncate-cascade.js";
import truncatingTable from "./truncating-table.js";
import deletingAllRows from "./deleting-all-rows.js";
import backfillingInMigration from "./backfilling-in-migration.js";
import lockingTable from "./locking-table.js";
import changingTrigger from "./changing-trigger.js";
import transactionIncompatibleStatement from "./transaction-incompatible-statement.js";
import transactionNesting from "./transaction-nesting.js";
import banUncommittedTransaction from "./ban-uncommitted-transaction.js";
import banDuplicateColumnAssignments from "./ban-duplicate-column-assignments.js";
import droppingDatabase from "./dropping-database.js";
import droppingSchema from "./dropping-schema.js";
import renamingSchema from "./renaming-schema.js";
import renamingEnumValue from "./renaming-enum-value.js";
import addingDomainConstraint from "./adding-domain-constraint.js";
import identifierTooLong from "./identifier-too-long.js";
import requireStatementTimeout from "./require-statement-timeout.js";
import banDropNotNull from "./ban-drop-not-null.js";
import requireEnumValueOrdering from "./require-enum-value-ordering.js";
import creatingEnum from "./creating-enum.js";
import banCharField from "./ban-char-field.js";
import preferTextField from "./prefer-text-field.js";
import preferTimestamptz from "./prefer-timestamptz.js";
import preferBigintOverInt from "./prefer-bigint-over-int.js";
import preferBigintOverSmallint from "./prefer-bigint-over-smallint.js";
import preferIdentity from "./prefer-identity.js";
import preferJsonb from "./prefer-jsonb.js";
import requireTableSchema from "./require-table-schema.js";

/** The rule catalog, in the order findings of one statement are reported. */
export const RULES: readonly Rule[] = [
  syntaxError,
  alembicOfflineFailure,
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
  requireConcurrentReindex,
  requireConcurrentPartitionDetach,
  requireConcurrentRefresh,
  addingExclusionConstraint,
  rewritingTable,
  preferRepack,
  attachingPartitionWithScan,
  banTruncateCascade,
  truncatingTable,
  deletingAllRows,
  backfillingInMigration,
  lockingTable,
  changingTrigger,
  transactionIncompatibleStatement,
  transactionNesting,
  banUncommittedTransaction,
  banDuplicateColumnAssignments,
  droppingDatabase,
  droppingSchema,
  renamingSchema,
  renamingEnumValue,
  addingDomainConstraint,
  identifierTooLong,
  foreignKeyWithoutIndex,
  validateInSameTransaction,
  lockUpgrade,
  lockOrder,
  revisionsShareTransaction,
  lockHeldDuringSlowStatement,
  preferRobustStmts,
  lockBudget,
  requireLockTimeout,
  unusedIgnore,
  excessiveLockTimeout,
  requireStatementTimeout,
  banDropNotNull,
  requireEnumValueOrdering,
  creatingEnum,
  banCharField,
  preferTextField,
  preferTimestamptz,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferJsonb,
  requireTableSchema,
  multipleAlterTable,
  wideIndex,
];
