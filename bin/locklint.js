#!/usr/bin/env -S node --liftoff-only
// The `locklint` command of the npm package and of a clone: runs the committed bundle.
// --liftoff-only keeps the parser's WebAssembly on V8's baseline compiler: re-optimising it costs a
// short run more than it saves (README, "Speed"). It only works on node's command line.
import module from "node:module";

// Node 22.1+ keeps the bundle's compiled code between runs, in the OS's temporary folder.
module.enableCompileCache?.();
await import("../dist/locklint.mjs");
