/**
 * The Python run by `locklint alembic` (python -c DRIVER JSON): the project's own alembic, offline,
 * in one process. It wraps each revision's upgrade()/downgrade() so that a revision failing in
 * offline mode (op.get_bind() reads, data-dependent code) prints a one-line failure comment into
 * the SQL where it failed, and the later revisions still run. With downgrade, a separator line
 * then the SQL of `downgrade heads:base --sql` follow (from every head at once).
 */

import { FAILURE_MARK } from "../sql/script.js";

/** The line between the upgrade SQL and the downgrade SQL on the driver's stdout. */
export const DOWNGRADE_SEPARATOR = "-- locklint: downgrade heads:base --sql follows";

export const DRIVER = String.raw`
import functools, json, os, sys, traceback

spec = json.loads(sys.argv[1])

def report(step, revision, error):
    path = getattr(revision, "path", None)
    line = None
    for frame in traceback.extract_tb(error.__traceback__):
        if path and os.path.abspath(frame.filename) == os.path.abspath(path):
            line = frame.lineno
    failure = {
        "direction": "upgrade" if getattr(step, "is_upgrade", True) else "downgrade",
        "revision": revision.revision,
        "file": path and os.path.relpath(path),  # from the ini's directory, where the driver runs
        "line": line,
        "error": traceback.format_exception_only(type(error), error)[-1].strip(),
    }
    text = "-- ${FAILURE_MARK} " + json.dumps(failure)
    try:
        from alembic import context
        context.get_context().impl.static_output(text)
    except Exception:
        sys.stdout.write(text + "\n\n")

def guard_revisions():
    try:
        from alembic.runtime.migration import RevisionStep
    except ImportError:
        return  # an alembic without it: a failure then ends the run, and is reported from stderr
    init = RevisionStep.__init__

    def guarded_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        fn = getattr(self, "migration_fn", None)
        revision = getattr(self, "revision", None)
        if fn is None or revision is None:
            return

        @functools.wraps(fn)  # alembic names the step after the function: keep upgrade/downgrade
        def guarded(*a, **kw):
            try:
                return fn(*a, **kw)
            except Exception as error:
                report(self, revision, error)

        self.migration_fn = guarded

    RevisionStep.__init__ = guarded_init

def to_the_end(step, *args, **kwargs):
    # sys.exit(0) in a revision or env.py would end the run early with status 0, as if all had
    # rendered: make it a failure, with the traceback that names the file and line
    try:
        step(*args, **kwargs)
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise
        traceback.print_exc()
        sys.stderr.write("sys.exit(%r) ended alembic before the end of the run\n" % (stop.code,))
        sys.exit(1)

guard_revisions()
from alembic.config import main

common = ["-c", spec["ini"], "-n", spec["section"]]
for x in spec["x"]:
    common += ["-x", x]
to_the_end(main, argv=common + ["upgrade", "base:heads", "--sql"], prog="alembic")

def downgrade_all_heads():
    # 'downgrade heads:base --sql' refuses several heads: start from all of them, as a tuple
    import argparse
    from alembic import util
    from alembic.config import Config
    from alembic.runtime.environment import EnvironmentContext
    from alembic.script import ScriptDirectory

    config = Config(spec["ini"], ini_section=spec["section"], cmd_opts=argparse.Namespace(x=spec["x"] or None))
    try:
        script = ScriptDirectory.from_config(config)
        heads = tuple(script.get_heads())
        with EnvironmentContext(config, script, fn=lambda rev, context: script._downgrade_revs("base", rev), as_sql=True, starting_rev=heads, destination_rev="base"):
            script.run_env()
    except util.CommandError as error:
        sys.stdout.write("FAILED: %s\n" % error)
        sys.exit(1)

if spec["downgrade"]:
    sys.stdout.write("${DOWNGRADE_SEPARATOR}\n")
    sys.stdout.flush()
    to_the_end(downgrade_all_heads)
`;
