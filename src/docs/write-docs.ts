import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ruleDocs } from "./rule-docs.js";

/** `npm run docs`: regenerates docs/rules/ from the rule files. */
const root = fileURLToPath(new URL("../../../", import.meta.url));
for (const doc of await ruleDocs()) {
  const path = join(root, doc.path);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, doc.content);
  console.log(`wrote ${doc.path}`);
}
