#!/usr/bin/env python3
# run_e2e.py — the entry CTest calls: runs every tests/server/test_*.py against the given
# `sluice serve` binary (each test class starts its own server on a free loopback port),
# prints a summary, exits 0 when all passed and 1 otherwise.
#   python3 tests/server/run_e2e.py --sluice build/e2e/sluice [-k PATTERN] [-v] [test_auth ...]
import argparse
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PYTHON = "/usr/bin/python3"


def ensure_websockets():
    """The tests need Debian's python3-websockets; re-run under /usr/bin/python3 when another
    python3 (e.g. a pyenv shim first on PATH) lacks it."""
    try:
        import websockets  # noqa: F401
    except ImportError:
        if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and \
                os.path.exists(DEBIAN_PYTHON):
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
        sys.exit("run_e2e.py: the websockets module is missing: "
                 "apt-get install -y --no-install-recommends python3-websockets")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sluice", required=True, help="path to the sluice executable")
    parser.add_argument("-k", dest="patterns", action="append", default=[],
                        help="only tests whose name contains this substring (repeatable)")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("modules", nargs="*", help="test modules (e.g. test_auth); default all")
    options = parser.parse_args()

    binary = os.path.abspath(options.sluice)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        sys.exit(f"run_e2e.py: {binary} is not an executable file")
    os.environ["SLUICE_BIN"] = binary
    ensure_websockets()
    sys.path.insert(0, HERE)

    loader = unittest.TestLoader()
    if options.patterns:
        loader.testNamePatterns = [f"*{pattern}*" for pattern in options.patterns]
    if options.modules:
        suite = loader.loadTestsFromNames([name.removesuffix(".py") for name in options.modules])
    else:
        suite = loader.discover(HERE, pattern="test_*.py", top_level_dir=HERE)

    started = time.monotonic()
    runner = unittest.TextTestRunner(verbosity=2 if options.verbose else 1, stream=sys.stdout)
    result = runner.run(suite)
    elapsed = time.monotonic() - started
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    print(f"\nsluice serve end-to-end: {result.testsRun} tests, {failed} failed or errored, "
          f"{len(result.skipped)} skipped, {elapsed:.1f} s")
    for test, _ in result.failures + result.errors:
        print(f"  FAILED: {test.id()}")
    return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
