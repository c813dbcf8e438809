// The peers the benchmark compares with, installed on first use into a scratch folder outside the
// repository (never as dependencies): LOCKLINT_BENCH_PEERS, default <tmp>/locklint-peers.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const PEER_PACKAGES = ["squawk-cli@2.66.0", "@flvmnt/pgfence@0.1.5"];

/** The peers' commands, or why they are not there. */
export function peers() {
  const dir = process.env.LOCKLINT_BENCH_PEERS ?? join(tmpdir(), "locklint-peers");
  const bin = (name) => join(dir, "node_modules", ".bin", name);
  if (!existsSync(bin("squawk")) || !existsSync(bin("pgfence"))) {
    const installed = spawnSync("npm", ["install", "--prefix", dir, "--no-audit", "--no-fund", "--loglevel=error", ...PEER_PACKAGES], { encoding: "utf8" });
    if (installed.status !== 0) return { why: `npm install --prefix ${dir} ${PEER_PACKAGES.join(" ")} failed: ${installed.stderr.trim().split("\n").at(-1)}` };
  }
  return { squawk: (file) => [bin("squawk"), file], pgfence: (file) => [bin("pgfence"), "analyze", file] };
}
