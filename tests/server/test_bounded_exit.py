# test_bounded_exit.py — shutdown ends in bounded time even when a node body ignores
# cancellation: after the drain deadline the process prints one line naming what is stuck and
# exits 1 within deadline + a small bound; a second SIGTERM exits at once (128 + 15) at any
# point, including once the drain is over and the process waits in its destructors.
#
# The careless node is `delay` with "cancellable": false where the server has it (the
# harden-nodes branch makes cpu_work stop when cancelled), else `cpu_work` with 10^12 iterations.
import asyncio
import re
import signal
import socket
import time
import unittest

from dap_client import DapClient
from server_case import unique_token
from server_process import ServerProcess

KEY = "e2e-exit-key"
DEADLINE = 3  # long enough that exiting at 2 x deadline (a past bug) misses the bound
EXIT_BOUND = 2  # server.cpp k_exit_bound: the watchdog's time past the drain deadline
WATCHDOG_EXIT = 1  # ExitWatchdog::k_exit_code
SLOW_CPU = {"provider": "cpu_work", "config": {"iterations": 10**12}}
SLOW_DELAY = {"provider": "delay", "config": {"ms": 600_000, "cancellable": False}}
STUCK_LINES = (
    re.compile(r"^sluice serve: 1 task drain was still stuck 2 s after the drain deadline "
               r"\(a node body ignores cancellation; their objects were answered as failed\): "
               r"exiting without waiting$"),
    re.compile(r"^sluice serve: the engine did not stop in time \(a node body ignores "
               r"cancellation; its objects were answered as failed\): exiting without waiting "
               r"for it$"),
)
SECOND_SIGNAL_LINE = "sluice serve: second signal: exiting without waiting"


def careless_pipeline(node):
    return {"source": "webhook_1", "components": [
        {"id": "webhook_1", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "work_1", **node, "input": [{"lane": "text", "from": "webhook_1"}]},
        {"id": "response_1", "provider": "response", "config": {"lanes": []},
         "input": [{"lane": "text", "from": "work_1"}]}]}


async def careless_node(client):
    """SLOW_DELAY when the server's `delay` knows "cancellable" (a wrong type is then an
    error), else SLOW_CPU."""
    probe = careless_pipeline({"provider": "delay", "config": {"cancellable": "not a boolean"}})
    body = await client.call("rrext_validate", {"pipeline": probe})
    return SLOW_DELAY if any('"cancellable"' in e for e in body["errors"]) else SLOW_CPU


def refuses_connections(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except (ConnectionRefusedError, ConnectionResetError):
        # Refused once the listener is closed; reset when the connect raced its closing.
        return True
    return False


class BoundedExitTests(unittest.IsolatedAsyncioTestCase):

    async def busy_server(self):
        """A server whose one task holds an object in a node that ignores cancellation."""
        server = ServerProcess(args=("--drain-deadline", str(DEADLINE)), keys=(KEY,))
        self.addCleanup(server.kill)
        client = await DapClient.connect(server.port)
        self.addAsyncCleanup(client.close)
        await client.auth(KEY)
        node = await careless_node(client)
        token = unique_token("careless")
        await client.execute(careless_pipeline(node), token=token)
        pipe = await client.pipe(token, "text/plain", "x")
        await pipe.write(b"work for a node that never stops")
        # Never answered: the process ends first. Its exception is read so none is logged.
        closing = asyncio.ensure_future(pipe.close(timeout=60))
        closing.add_done_callback(lambda f: f.cancelled() or f.exception())
        self.addCleanup(closing.cancel)
        status = await client.status(token)  # answered after the close: the object is inside
        self.assertEqual(status["totalCount"], 1, status)
        return server, client, node

    async def wait_until(self, condition, timeout, what):
        """Polls condition() (a blocking call, run off the loop) until true; fails after timeout."""
        deadline = time.monotonic() + timeout
        while not await asyncio.to_thread(condition):
            if time.monotonic() > deadline:
                self.fail(f"{what} did not happen within {timeout} s")
            await asyncio.sleep(0.02)  # polling with a deadline, not synchronising

    async def test_sigterm_with_a_node_that_ignores_cancellation_exits_1_with_the_stuck_line(self):
        server, _, _ = await self.busy_server()
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code, _ = await asyncio.to_thread(server.wait, DEADLINE + EXIT_BOUND + 10)
        took = time.monotonic() - started
        stderr = server.stderr()
        self.assertLess(took, DEADLINE + EXIT_BOUND + 1.5, f"exit took {took:.1f} s")
        self.assertEqual(code, WATCHDOG_EXIT, stderr[-500:])
        last = stderr.rstrip("\n").rsplit("\n", 1)[-1]
        self.assertTrue(any(line.match(last) for line in STUCK_LINES),
                        f"the last stderr line is not the watchdog's: {last!r}")
        self.assertNotIn(SECOND_SIGNAL_LINE, stderr)
        self.assertIsNone(server.summary(), "no summary: the process did not finish its shutdown")

    async def test_a_second_sigterm_once_shutdown_began_exits_at_once_with_143(self):
        server, client, _ = await self.busy_server()
        server.send_signal(signal.SIGTERM)
        await self.wait_until(lambda: refuses_connections(server.port), 5,
                              "shutdown (the listening socket closing)")
        # The drain ends at its deadline (the object answered as failed), the sockets are
        # closed, and the process waits for the node in the engine's destructor: where the old
        # handling had stopped taking signals.
        await client.wait_closed(DEADLINE + EXIT_BOUND)
        self.assertTrue(server.alive(), server.stderr()[-500:])
        server.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code, _ = await asyncio.to_thread(server.wait, 5)
        took = time.monotonic() - started
        self.assertLess(took, 1.0, f"the second SIGTERM took {took:.2f} s")
        self.assertEqual(code, 128 + signal.SIGTERM, server.stderr()[-500:])
        self.assertIn(SECOND_SIGNAL_LINE + "\n", server.stderr())
