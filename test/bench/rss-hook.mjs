// Preloaded into the benchmarked process: writes its peak resident set size (kB) when it exits.
import { writeFileSync } from "node:fs";

process.on("exit", () => writeFileSync(process.env.LOCKLINT_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));
