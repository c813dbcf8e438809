import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Inlined by the bundler (scripts/bundle.mjs); absent when the sources run directly (tests, tsx). */
declare const LOCKLINT_VERSION: string | undefined;

/** The package version: inlined in the bundle, else read from the package.json of the sources. */
export function packageVersion(): string {
  if (typeof LOCKLINT_VERSION === "string") return LOCKLINT_VERSION;
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { version: string };
  return pkg.version;
}
