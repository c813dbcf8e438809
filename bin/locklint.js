#!/usr/bin/env -S node --liftoff-only
// The `locklint` command of the npm package and of a clone: runs the committed bundle.
// --liftoff-only: V8 keeps the parser's WebAssembly on its baseline compiler; re-optimising it
// would cost a short run more than it saves (start-up 0.45 s -> 0.14 s, see README "Speed").
import module from "node:module";

// Node 22.1+ keeps the bundle's compiled code between runs (in the OS's temporary folder): ~10% of start-up.
module.enableCompileCache?.();
await import("../dist/locklint.mjs");
