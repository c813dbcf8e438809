import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/cli.js";

/** Real `alembic upgrade head --sql` output of public projects, beside the repository (not in it). */
const SHARED_CORPUS = join(ROOT, "../shared/corpus/alembic");

export interface Seed {
  name: string;
  text: string;
}

/** The texts mutations start from: the shared corpus, or the repository's samples when it is absent. */
export function loadSeeds(corpus = SHARED_CORPUS): Seed[] {
  if (existsSync(corpus)) {
    const seeds = sqlFiles(corpus);
    if (seeds.length > 0) return seeds;
  }
  console.warn(`SKIPPED: the alembic corpus (${corpus}) is absent; fuzzing from samples/*/upgrade.sql and downgrade.sql only`);
  const samples = join(ROOT, "samples");
  return readdirSync(samples, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => ["upgrade.sql", "downgrade.sql"].map((name) => join(samples, entry.name, name)))
    .filter((file) => existsSync(file))
    .map(readSeed);
}

function sqlFiles(dir: string): Seed[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => readSeed(join(dir, name)));
}

function readSeed(file: string): Seed {
  return { name: file.slice(ROOT.length), text: readFileSync(file, "utf8") };
}
