import { cliDoc } from "./cli-docs.js";
import { effectsDoc } from "./effects-docs.js";
import { ruleDocs } from "./rule-docs.js";
import type { DocFile } from "./doc-file.js";

/** Every generated page: docs/rules/, docs/effects.md and docs/cli.md. */
export async function generatedDocs(): Promise<DocFile[]> {
  return [...(await ruleDocs()), effectsDoc(), cliDoc()];
}
