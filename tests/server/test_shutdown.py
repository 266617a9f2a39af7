# test_shutdown.py — the process's end: SIGTERM/SIGINT on an idle server and under load
# exit 0 with the one-line summary; every object the server accepted was answered (results
# delivered = objects completed in the summary); sockets get a close reason; a pipe left
# open is cut by the drain deadline and still accounted; a second signal during the drain exits
# at once (128 + signal) without a summary. Each test starts its own server.
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

    async def test_a_second_sigint_during_the_drain_exits_at_once_with_130_and_no_summary(self):
        server = self.start_server("--drain-deadline", "30")
        client = await self.client(server)
        token = unique_token("second-signal")
        await client.execute(echo_pipeline(), token=token)
        pipe = await client.pipe(token, "text/plain", "holds the drain open")
        await pipe.write("stuck")
        server.send_signal(signal.SIGINT)
        # The drain has begun once the server refuses new tasks; the open pipe holds it there.
        deadline = time.monotonic() + 5
        while True:
            response = await client.request("execute", {"pipeline": echo_pipeline(),
                                                        "token": unique_token("late")})
            if not response["success"]:
                # The server's own refusal, or the engine's when the drain is already under way.
                self.assertIn(response["message"],
                              ("server is shutting down",
                               "engine is shut down; no new tasks are started"))
                break
            self.assertLess(time.monotonic(), deadline, "execute still accepted 5 s after SIGINT")
            await asyncio.sleep(0.02)  # polling with a deadline, not synchronising
        self.assertTrue(server.alive(), "the first SIGINT ended the process: no drain to cut")
        server.send_signal(signal.SIGINT)
        started = time.monotonic()
        code, lines = await asyncio.to_thread(server.wait, 5)
        took = time.monotonic() - started
        self.assertLess(took, 1.0, f"the second SIGINT took {took:.2f} s")
        self.assertEqual(code, 128 + signal.SIGINT, server.stderr()[-500:])
        self.assertIn("sluice serve: second signal: exiting without waiting\n", server.stderr())
        self.assertIsNone(server.summary(), f"a summary after the second signal: {lines[-2:]!r}")
