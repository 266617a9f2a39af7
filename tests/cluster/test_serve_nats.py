#!/usr/bin/env python3
# test_serve_nats.py — `sluice serve --nats`: the RocketRide protocol and HTTP routes answered by
# a cluster. One nats-server (JetStream, file storage) on free loopback ports, two `sluice worker`
# processes and two fronts for the class; each test uses its own token. Counts are checked
# exactly; waits are bounded polls on observable state.
#   SLUICE_BIN=build/release/sluice NATS_SERVER=/usr/sbin/nats-server python3 test_serve_nats.py
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "server"))
try:
    import websockets  # noqa: F401
except ImportError:  # another python3 first on PATH: Debian's has python3-websockets
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", os.path.abspath(__file__), *sys.argv[1:]])
    raise

from dap_client import DapClient, DapError  # noqa: E402
from http_client import http_request  # noqa: E402
from server_case import (COMPLETED, echo_pipeline, terminated_message,  # noqa: E402
                         unique_token)
from server_process import ServerProcess, sluice_binary  # noqa: E402

KEY = "cluster-key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what, predicate, timeout):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(0.05)  # polling observable state with a deadline


class NatsCluster:
    """nats-server -js with file storage, plus N `sluice worker` processes."""

    def __init__(self, workers=2):
        self.dir = tempfile.mkdtemp(prefix="sluice-serve-nats-")
        self.port, self.monitor = free_port(), free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        self.processes = []
        nats = os.environ.get("NATS_SERVER") or shutil.which("nats-server") or "/usr/sbin/nats-server"
        self.nats = self._spawn([nats, "-js", "-sd", os.path.join(self.dir, "js"), "-a",
                                 "127.0.0.1", "-p", str(self.port), "-m", str(self.monitor)],
                                "nats.log")
        wait_until("nats-server healthy", self._healthy, 20)
        for i in range(workers):
            log = f"worker{i}.err"
            self._spawn([sluice_binary(), "worker", "--nats", self.url, "--capacity", "64",
                         "--threads", "2", "--name", f"w{i}"], log)
            wait_until(f"worker {i} ready", lambda: "sluice worker: ready" in self.read(log), 20)

    def _spawn(self, command, log):
        with open(os.path.join(self.dir, log), "ab") as out:
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=out,
                                       stdin=subprocess.DEVNULL, cwd=self.dir)
        self.processes.append(process)
        return process

    def _healthy(self):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.monitor}/healthz", timeout=1):
                return True
        except OSError:
            return False

    def read(self, log):
        try:
            with open(os.path.join(self.dir, log), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def stop(self):
        for process in reversed(self.processes):
            process.send_signal(signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class ServeNatsTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = NatsCluster(workers=2)
        args = ["--nats", cls.cluster.url, "--drain-deadline", "20"]
        cls.front_a = ServerProcess(args=args, keys=[KEY])
        cls.front_b = ServerProcess(args=args, keys=[KEY])

    @classmethod
    def tearDownClass(cls):
        try:
            for front in (cls.front_a, cls.front_b):
                code, lines = front.stop(timeout=30)
                if code != 0:
                    raise AssertionError(f"front exited {code}: {lines[-3:]!r} "
                                         f"{front.stderr()[-1000:]!r}")
        finally:
            for front in (cls.front_a, cls.front_b):
                front.kill()
            cls.cluster.stop()

    async def client(self, front):
        client = await DapClient.connect(front.port)
        self.addAsyncCleanup(client.close)
        await client.auth(KEY)
        return client

    def post(self, front, token, text):
        return http_request(front.port, "POST", "/task/data", body=text.encode(), key=KEY,
                            query={"token": token}, headers={"Content-Type": "text/plain"})

    async def test_objects_sent_to_two_fronts_all_come_back_and_terminate_ends_the_token(self):
        a, b = await self.client(self.front_a), await self.client(self.front_b)
        token = unique_token("cluster")
        body = await a.execute(echo_pipeline(), token=token)
        self.assertEqual(body["token"], token)
        self.assertEqual(body["source"], "webhook_1")
        self.assertEqual(body["provider"], "webhook")

        texts = [f"object {i} via DAP" for i in range(40)]
        results = await asyncio.gather(*(a.send(token, t, mime="text/plain") for t in texts))
        # The webhook's text lane ends a text with a blank line, as in local mode.
        self.assertEqual(sorted(r["text"][0] for r in results), sorted(t + "\n\n" for t in texts))
        for i in range(20):  # the other front, over HTTP
            reply = await asyncio.to_thread(self.post, self.front_b, token, f"http {i}")
            self.assertEqual(reply.status, 200, reply.text)
            self.assertIn(f"http {i}", reply.text)

        status = await b.status(token)
        self.assertEqual((status["totalCount"], status["completedCount"], status["failedCount"]),
                         (60, 60, 0))
        final = await b.terminate(token)
        self.assertEqual(final["state"], COMPLETED)
        self.assertEqual((final["totalCount"], final["completedCount"]), (60, 60))

        # Dead on every front, for sends, pipes and a new execute alike.
        with self.assertRaises(DapError) as refused:
            await a.send(token, "too late")
        self.assertEqual(str(refused.exception), terminated_message(token))
        reply = await asyncio.to_thread(self.post, self.front_a, token, "too late")
        self.assertEqual(reply.status, 410, reply.text)
        with self.assertRaises(DapError) as again:
            await a.execute(echo_pipeline(), token=token)
        self.assertIn(f'token "{token}": is dead in the cluster and stays dead',
                      str(again.exception))

    async def test_terminate_racing_senders_on_two_fronts_answers_every_send_once(self):
        for round_ in range(10):
            a, b = await self.client(self.front_a), await self.client(self.front_b)
            token = unique_token(f"race{round_}")
            await a.execute(echo_pipeline(), token=token)
            outcomes = {"result": 0, "terminated": 0}

            async def sender(client, name):  # sends until refused: after dead, every send is
                i = 0
                while True:
                    text = f"{name} {i}"
                    i += 1
                    try:
                        result = await client.send(token, text, mime="text/plain")
                        self.assertEqual(result.get("text"), [text + "\n\n"], result)
                        outcomes["result"] += 1
                    except DapError as error:
                        self.assertEqual(str(error), terminated_message(token))
                        outcomes["terminated"] += 1
                        return

            senders = [asyncio.create_task(sender(c, f"s{n}"))
                       for n, c in enumerate((a, a, b, b))]
            deadline = time.monotonic() + 60
            while outcomes["result"] < 40 and not any(s.done() for s in senders):
                self.assertLess(time.monotonic(), deadline, "40 results within 60 s")
                await asyncio.sleep(0.01)  # letting the senders run, not synchronising
            final = await b.terminate(token)
            await asyncio.wait_for(asyncio.gather(*senders), 60)
            self.assertEqual(final["totalCount"], final["completedCount"] + final["failedCount"])
            self.assertEqual(final["completedCount"], outcomes["result"],
                             f"round {round_}: every accepted object answered, once")
            self.assertEqual(outcomes["terminated"], 4, "each sender ends on TaskTerminated")

    async def test_calls_cluster_mode_cannot_serve_say_why(self):
        a = await self.client(self.front_a)
        token = unique_token("refusals")
        await a.execute(echo_pipeline(), token=token)
        response = await a.request("restart", {"token": token, "pipeline": echo_pipeline()})
        self.assertFalse(response["success"])
        self.assertIn("restart is not available in cluster mode", response["message"])
        response = await a.request("rrext_get_token", {"projectId": "p", "source": "webhook_1"})
        self.assertIn("not available in cluster mode", response["message"])
        big = "x" * (2 << 20)  # nats-server's max_payload is 1 MiB by default
        reply = await asyncio.to_thread(self.post, self.front_a, token, big)
        self.assertEqual(reply.status, 413, reply.text)
        self.assertIn("max_payload", reply.text)
        tasks = await a.call("rrext_get_tasks")
        self.assertIn(token, [t["token"] for t in tasks["tasks"]])
        await a.terminate(token)

    async def test_open_pipes_count_against_the_fronts_max_inflight(self):
        # Each open pipe gathers up to max_payload bytes in the front: they are bounded too.
        front = ServerProcess(args=["--nats", self.cluster.url, "--max-inflight", "4",
                                    "--admission-wait", "0"], keys=[KEY])
        try:
            client = await self.client(front)
            token = unique_token("pipes")
            await client.execute(echo_pipeline(), token=token)
            pipes = [await client.pipe(token, mime="text/plain") for _ in range(4)]
            with self.assertRaises(DapError) as full:
                await client.pipe(token, mime="text/plain")
            self.assertEqual(str(full.exception),
                             f"task {token} is full (max_inflight 4): retry later")
            await pipes[0].write("one")
            result = await pipes[0].close()
            self.assertEqual(result["text"], ["one\n\n"])
            pipes[0] = await client.pipe(token, mime="text/plain")  # its place came back
            for pipe in pipes:
                await pipe.write("x")
                await pipe.close()
            final = await client.terminate(token)
            self.assertEqual((final["totalCount"], final["completedCount"]), (5, 5))
        finally:
            code, lines = front.stop(timeout=30)
            front.kill()
            self.assertEqual(code, 0, lines[-3:])

    def test_the_embedders_cluster_engine_against_this_cluster(self):
        binary = os.environ.get("SLUICE_CLUSTER_ENGINE_TEST")
        if not binary:
            self.skipTest("SLUICE_CLUSTER_ENGINE_TEST not set")
        done = subprocess.run([binary], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "SLUICE_NATS_URL": self.cluster.url})
        self.assertEqual(done.returncode, 0, done.stdout[-3000:] + done.stderr[-2000:])
        self.assertIn("3 passed", done.stdout)

    def test_unreachable_nats_is_a_clear_error_and_exit_2(self):
        port = free_port()  # nothing listens there
        with tempfile.TemporaryDirectory() as cwd:
            done = subprocess.run([sluice_binary(), "serve", "--port", "0", "--nats",
                                   f"nats://127.0.0.1:{port}"], capture_output=True, text=True,
                                  timeout=60, cwd=cwd, env={**os.environ, "SLUICE_API_KEYS": KEY})
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn(f"NATS at nats://127.0.0.1:{port}", done.stderr)
        self.assertIn("is nats-server running there", done.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
