# test_shutdown.py — the process's end: SIGTERM/SIGINT on an idle server and under load
# exit 0 with the one-line summary; every object the server accepted was answered (results
# delivered = objects completed in the summary); sockets get a close reason; a pipe left
# open is cut by the drain deadline and still accounted. Each test starts its own server.
import asyncio
import signal
import time
import unittest

from dap_client import DapClient
from send_ledger import SendLedger, send_until_refused
from server_case import echo_pipeline, unique_token
from server_process import ServerProcess

KEY = "e2e-shutdown-key"


class ShutdownTests(unittest.IsolatedAsyncioTestCase):

    def start_server(self, *args):
        server = ServerProcess(args=args, keys=(KEY,))
        self.addCleanup(server.kill)
        return server

    async def client(self, server):
        client = await DapClient.connect(server.port)
        self.addAsyncCleanup(client.close)
        await client.auth(KEY)
        return client

    async def stop(self, server, signum=signal.SIGTERM, timeout=30):
        code, lines = await asyncio.to_thread(server.stop, signum, timeout)
        self.assertEqual(code, 0, f"exit code; stdout {lines[-5:]!r}; "
                                  f"stderr {server.stderr()[-2000:]!r}")
        summary = server.summary()
        self.assertIsNotNone(summary, f"no summary line in {lines!r}")
        self.assertRegex(lines[-1], r"^sluice serve: stopped after ", "summary is the last line")
        return summary

    async def test_sigterm_on_an_idle_server_exits_0_with_a_summary(self):
        server = self.start_server()
        summary = await self.stop(server)
        self.assertEqual((summary["tasks"], summary["accepted"], summary["completed"],
                          summary["failed"]), (0, 0, 0, 0))

    async def test_sigint_exits_0_with_a_summary_too(self):
        server = self.start_server()
        await self.stop(server, signal.SIGINT)

    async def test_the_summary_counts_connections_tasks_and_objects(self):
        server = self.start_server()
        first = await self.client(server)
        second = await self.client(server)
        token = unique_token("summary")
        await first.execute(echo_pipeline(), token=token)
        for text in ("a", "b", "c"):
            await second.send(token, text, "text/plain")
        await first.terminate(token)
        summary = await self.stop(server)
        self.assertGreaterEqual(summary["connections"], 2)
        self.assertEqual((summary["tasks"], summary["accepted"], summary["completed"],
                          summary["failed"]), (1, 3, 3, 0))

    async def test_sigterm_during_load_exits_0_and_every_accepted_object_was_answered(self):
        server = self.start_server("--drain-deadline", "10")
        owner = await self.client(server)
        token = unique_token("load")
        await owner.execute(echo_pipeline(), token=token)
        ledger = SendLedger(results_wanted=50)
        clients = [await self.client(server) for _ in range(3)]
        senders = [asyncio.ensure_future(send_until_refused(client, token, ledger, f"c{n}w{w}"))
                   for n, client in enumerate(clients) for w in range(4)]
        await asyncio.wait_for(ledger.enough.wait(), 30)
        signalled = time.monotonic()
        summary = await self.stop(server)
        self.assertLess(time.monotonic() - signalled, 20, "shutdown took longer than the drain")
        await asyncio.wait_for(asyncio.gather(*senders), 10)

        seen = (f"client saw {ledger.opened} opened, {len(ledger.results)} results, "
                f"failures {ledger.failures[:5]}, disconnects at {ledger.disconnects}; "
                f"summary {summary}")
        self.assertEqual(summary["tasks"], 1)
        self.assertEqual(summary["accepted"], summary["completed"] + summary["failed"])
        self.assertEqual(summary["accepted"], ledger.opened, f"objects accepted = pipes opened; {seen}")
        self.assertEqual(summary["completed"], len(ledger.results),
                         f"every completed object's result reached its sender; {seen}")
        cut = [stage for stage in ledger.disconnects if stage != "open"]
        self.assertEqual(cut, [], f"a pipe the server accepted lost an answer; {seen}")
        for client in clients + [owner]:
            await client.wait_closed(5)
            self.assertTrue(client.close_reason, f"close code {client.close_code} has no reason")

    async def test_sigterm_with_a_pipe_left_open_is_cut_by_the_drain_deadline_and_accounted(self):
        server = self.start_server("--drain-deadline", "1")
        client = await self.client(server)
        token = unique_token("open-pipe")
        await client.execute(echo_pipeline(), token=token)
        pipe = await client.pipe(token, "text/plain", "never closed")
        await pipe.write("stuck")
        signalled = time.monotonic()
        summary = await self.stop(server, timeout=20)
        self.assertLess(time.monotonic() - signalled, 10)
        self.assertEqual(summary["accepted"], 1)
        self.assertEqual(summary["completed"] + summary["failed"], 1)
        await client.wait_closed(5)
        self.assertTrue(client.close_reason)
