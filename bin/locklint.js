#!/usr/bin/env -S node --liftoff-only
// The `locklint` command of the npm package and of a clone: runs the committed bundle.
// --liftoff-only: V8 keeps the parser's WebAssembly on its baseline compiler; re-optimising it
// would cost a short run more than it saves (start-up 0.45 s -> 0.14 s, see README "Speed").
import "../dist/locklint.mjs";
