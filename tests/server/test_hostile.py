# test_hostile.py — issue 9's hostile mix: against ONE server, at once, from 127.0.0.2:
# unauthenticated 60 MB bodies, silent sockets, a big WebSocket message before auth, 2000 opens
# queued on a full task, a 40,000-component pipeline, a text_output aimed outside the data root,
# and tasks busy in cpu_work and delay. Meanwhile a normal client on 127.0.0.1 runs execute ->
# 20 sends -> terminate within a bound, and /health answers throughout. Last, 127.0.0.2 at its
# cap of unauthenticated sockets is refused while 127.0.0.1 is still served.
#
# The server binds 127.0.0.1 only (as every test server). The hostile sockets bind 127.0.0.2 as
# their SOURCE address and connect to 127.0.0.1 (all of 127/8 is local on Linux): the server
# sees them as another IP, so the per-IP cap on unauthenticated sockets bites them and never
# the normal client, with no listening on 0.0.0.0 and no raised cap.
#
# Parts that need the harden-nodes branch (the max_components check, text_output inside the data
# root) probe the server first and are skipped subtests, with the reason, when it lacks them.
import asyncio
import json
import os
import re
import socket
import tempfile
import threading
import time

import websockets

from dap_client import DapClient
from http_client import http_request
from server_case import ServerTestCase, unique_token
from server_process import rss_bytes

HOSTILE_IP = "127.0.0.2"
BODY = 60 * 1024 * 1024
BODIES = 4
SILENT_WEBSOCKETS = 3
SILENT_TCP = 2  # with the bodies and the big message: 10, the per-IP cap
UNAUTHENTICATED_CAP = 10  # --max-unauthenticated-per-ip's default
QUEUED_OPENS = 2000
COMPONENTS = 40_000
# Where delay and cpu_work stop when cancelled (and delay runs on the blocking pool: the
# harden-nodes branch), each holds its object far longer than the normal client's bound, so a
# delay on a shared worker would fail the test. Elsewhere they are short, as nothing cuts them.
DELAY_MS = {True: 20_000, False: 3000}
CPU_ITERATIONS = {True: 10**11, False: 10**9}
NORMAL_SENDS = 20
NORMAL_BOUND = 8.0  # seconds for execute + 20 sends + terminate while the mix runs
HEALTH_BOUND = 2.0   # seconds for any one /health answer
DATA_ROOT = re.compile(r"^sluice serve: data root (.+) "
                       r"\(nodes read and write files only inside it\)$")


def chain_pipeline(count):
    """webhook -> count-2 pass-through `delay 0` nodes -> response: count components."""
    components = [{"id": "c0", "provider": "webhook", "config": {"mode": "Source"}}]
    for i in range(1, count - 1):
        components.append({"id": f"c{i}", "provider": "delay", "config": {"ms": 0},
                           "input": [{"lane": "text", "from": f"c{i - 1}"}]})
    components.append({"id": f"c{count - 1}", "provider": "response", "config": {"lanes": []},
                       "input": [{"lane": "text", "from": f"c{count - 2}"}]})
    return {"source": "c0", "components": components}


def one_node_pipeline(provider, config):
    return {"source": "in", "components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "node_1", "provider": provider, "config": config,
         "input": [{"lane": "text", "from": "in"}]},
        {"id": "out", "provider": "response", "config": {"lanes": []},
         "input": [{"lane": "text", "from": "node_1"}]}]}


def open_frame(seq, token):
    return json.dumps({"type": "request", "seq": seq, "command": "rrext_process",
                       "arguments": {"subcommand": "open", "token": token,
                                     "object": {"name": f"o{seq}"}, "mimeType": "text/plain"}})


def sink_pipeline(provider, config):
    return {"source": "in", "components": [
        {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
        {"id": "node_1", "provider": provider, "config": config,
         "input": [{"lane": "text", "from": "in"}]}]}


def hostile_tcp(port, timeout=15.0):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout,
                                    source_address=(HOSTILE_IP, 0))


def unauthenticated_body(port):
    """A POST with a 60 MB body and no key: its head first, the body only if no answer came
    within 3 s (a refusal from the head is the point). Returns the HTTP status, or None."""
    head = (f"POST /task/data?token=whatever HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {BODY}\r\n\r\n").encode()
    reply = b""
    with hostile_tcp(port) as sock:
        sock.sendall(head)
        sock.settimeout(3.0)
        try:
            reply = sock.recv(65536)
        except socket.timeout:
            sock.settimeout(15.0)
            try:
                sock.sendall(b"z" * BODY)
                reply = sock.recv(65536)
            except OSError:
                pass
    status = reply.split(b"\r\n", 1)[0].split()
    return int(status[1]) if len(status) >= 2 and status[1].isdigit() else None


def hostile_get(port, path):
    """GET path from 127.0.0.2 without a key: (status, raw reply)."""
    with hostile_tcp(port) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                     .encode())
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status = reply.split(b"\r\n", 1)[0].split()
    return (int(status[1]) if len(status) >= 2 and status[1].isdigit() else None), reply


async def hostile_websocket(port):
    """A DapClient whose socket comes from 127.0.0.2."""
    url = f"ws://127.0.0.1:{port}/task/service"
    ws = await websockets.connect(url, compression=None, max_size=None, open_timeout=10,
                                  close_timeout=2, ping_interval=None,
                                  local_addr=(HOSTILE_IP, 0))
    return DapClient(ws, url)


class HealthWatch:
    """Polls /health from 127.0.0.1 in a thread until stopped; records each answer's status
    and time. The pause between probes paces the load, it synchronises nothing."""

    def __init__(self, port):
        self.port = port
        self.answers = []  # (status or exception text, seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status = http_request(self.port, "GET", "/health", timeout=HEALTH_BOUND * 2).status
            except OSError as error:
                status = f"{type(error).__name__}: {error}"
            self.answers.append((status, time.monotonic() - started))
            self._stop.wait(0.1)

    def stop(self):
        self._stop.set()
        self._thread.join(10)
        return self.answers


async def knows_max_components(client):
    """Whether the server checks max_components (10,000 by default) before per-component work.
    The probe is 10,001 unconnected components: no deep recursion on a server without it."""
    pipeline = {"source": "c0", "components": [{"id": f"c{i}"} for i in range(10_001)]}
    body = await client.call("rrext_validate", {"pipeline": pipeline}, timeout=30)
    return any("(max_components)" in error for error in body["errors"])


async def knows_delay_cancellable(client):
    """Whether `delay` has the "cancellable" option (the harden-nodes branch, which also makes
    it a blocking node on the engine's pool and cpu_work cancellable)."""
    pipeline = one_node_pipeline("delay", {"ms": 1, "cancellable": "not a boolean"})
    body = await client.call("rrext_validate", {"pipeline": pipeline})
    return any('"cancellable"' in error for error in body["errors"])


class HostileMixTests(ServerTestCase):
    # --drain-deadline 1: the busy tasks' terminate at the end cuts their work after 1 s
    # (where the nodes are cancellable; elsewhere the test lets them finish first).
    server_args = ("--max-inflight", "2", "--auth-timeout", "2", "--drain-deadline", "1")

    async def test_a_normal_client_is_served_normally_while_the_hostile_mix_runs(self):
        started = time.monotonic()
        hostile = await hostile_websocket(self.port)
        self.addAsyncCleanup(hostile.close)
        await hostile.auth(self.key)
        has_limit = await knows_max_components(hostile)
        cancellable = await knows_delay_cancellable(hostile)
        busy = [await self.busy_task(hostile, "cpu_work",
                                     {"iterations": CPU_ITERATIONS[cancellable]}),
                await self.busy_task(hostile, "delay", {"ms": DELAY_MS[cancellable]})]
        full_token = (await self.running_echo_task(hostile, "full"))[0]
        for i in range(2):
            await hostile.pipe(full_token, "text/plain", f"held{i}")
        flood = await hostile_websocket(self.port)
        self.addAsyncCleanup(flood.close)
        await flood.auth(self.key)
        peak_before = rss_bytes(self.server.pid, "VmHWM")

        health = HealthWatch(self.port)
        self.addCleanup(health.stop)
        mix = self.start_mix(hostile, flood, full_token, has_limit)

        # Without the blocking pool, the delay holds a shared worker and cpu_work the other
        # (on 2 cores): the normal client waits for the delay (issue 9, finding 7).
        bound = NORMAL_BOUND + (0 if cancellable else DELAY_MS[False] / 1000)
        took = await asyncio.wait_for(self.normal_round(), bound + 5)
        done = dict(zip(mix, await asyncio.wait_for(asyncio.gather(*mix.values()), 40)))
        answers = health.stop()
        grown = rss_bytes(self.server.pid, "VmHWM") - peak_before

        self.assertLess(took, bound, "the normal client's execute, 20 sends and terminate")
        self.assert_hostile_outcomes(done, has_limit)
        self.assert_health(answers)
        # ~110 MB of it is the 40,000-component pipeline's JSON tree (4 MB of text), parsed
        # before its size is refused; the four bodies, were they read, would add 240 MB.
        if not os.environ.get("SLUICE_SANITIZE"):  # shadow memory makes RSS meaningless there
            self.assertLess(grown, 200 * 2**20, f"peak RSS grew {grown / 2**20:.0f} MB")
        await asyncio.to_thread(self.assert_the_per_ip_cap_spares_other_ips)
        for token, pipe_closed in busy:
            if not cancellable:  # nothing would stop the node: let it finish its object
                await asyncio.wait_for(asyncio.gather(pipe_closed, return_exceptions=True), 30)
            await hostile.terminate(token, timeout=10)
            await asyncio.wait_for(asyncio.gather(pipe_closed, return_exceptions=True), 10)
        self.assertLess(time.monotonic() - started, 60, "the whole mix")

    # ---- the hostile parts ---------------------------------------------------------------
    def start_mix(self, hostile, flood, full_token, has_limit):
        """Every hostile part at once; a dict of name -> future of what it observed."""
        mix = {"silent": asyncio.ensure_future(self.silent_websockets()),
               "big message": asyncio.ensure_future(self.big_message_before_auth()),
               "flood": asyncio.ensure_future(self.queue_opens(flood, full_token))}
        for _ in range(SILENT_TCP):
            self.addCleanup(hostile_tcp(self.port).close)
        mix["bodies"] = asyncio.ensure_future(asyncio.gather(
            *[asyncio.to_thread(unauthenticated_body, self.port) for _ in range(BODIES)]))
        if has_limit:
            mix["components"] = asyncio.ensure_future(self.long_pipeline(hostile))
        mix["data root"] = asyncio.ensure_future(self.text_output_outside(hostile))
        return mix

    async def busy_task(self, client, provider, config):
        """A task whose node is busy with one object (its close sent, its answer pending)."""
        token = unique_token(provider)
        await client.execute(one_node_pipeline(provider, config), token=token)
        pipe = await client.pipe(token, "text/plain", f"{provider} work")
        await pipe.write(b"work")
        closed = asyncio.ensure_future(pipe.close(timeout=120))
        # Requests on one socket are taken in order: once the status answers, the close (and
        # so the object) reached the engine.
        status = await client.status(token)
        self.assertEqual(status["totalCount"], 1, status)
        return token, closed

    async def silent_websockets(self):
        """WebSockets from 127.0.0.2 that never authenticate: each closed at --auth-timeout."""
        sockets = [await hostile_websocket(self.port) for _ in range(SILENT_WEBSOCKETS)]
        for silent in sockets:
            await silent.wait_closed(15)
        return [(silent.close_code, silent.close_reason) for silent in sockets]

    async def big_message_before_auth(self):
        big = await hostile_websocket(self.port)
        try:
            await big.send_raw('{"type":"request","seq":1,"command":"auth","arguments":'
                               '{"pad":"' + "x" * (8 * 2**20) + '"}}')
        except websockets.exceptions.ConnectionClosed:
            pass
        await big.wait_closed(15)
        return big.close_code, big.close_reason

    async def queue_opens(self, flood, token):
        for seq in range(1000, 1000 + QUEUED_OPENS):
            await flood.send_raw(open_frame(seq, token))
        refused = await flood.next_unmatched(15)
        flood.abort()
        return refused

    async def long_pipeline(self, client):
        response = await client.request("execute", {"pipeline": chain_pipeline(COMPONENTS),
                                                    "token": unique_token("long")}, timeout=30)
        return response

    async def text_output_outside(self, client):
        """execute with text_output's directory outside the data root: the response, or None
        when the server accepted it (then the task is terminated at once, nothing written)."""
        outside = tempfile.mkdtemp(prefix="sluice-outside-")
        self.addCleanup(os.rmdir, outside)
        token = unique_token("outside")
        response = await client.request("execute", {"token": token, "pipeline": sink_pipeline(
            "text_output", {"directory": outside})})
        if response.get("success"):
            await client.terminate(token)
            return None
        return response

    # ---- the normal client ---------------------------------------------------------------
    async def normal_round(self):
        """execute -> 20 sends -> terminate from 127.0.0.1; the seconds it took."""
        started = time.monotonic()
        client = await self.client()
        token, _ = await self.running_echo_task(client, "normal")
        for i in range(NORMAL_SENDS):
            result = await client.send(token, f"normal {i}", "text/plain")
            self.assertEqual(result["text"], [f"normal {i}\n\n"], result)
        final = await client.terminate(token)
        self.assertEqual((final["completedCount"], final["failedCount"]), (NORMAL_SENDS, 0))
        return time.monotonic() - started

    # ---- what each part must have got ----------------------------------------------------
    def assert_hostile_outcomes(self, done, has_limit):
        for status in done["bodies"]:
            # 429 when the per-IP cap of unauthenticated sockets was full at that moment.
            self.assertIn(status, (401, 429), f"an unauthenticated 60 MB body got {status}")
        for code, reason in done["silent"]:
            self.assertEqual((code, reason), (1008, "not authenticated within 2 s "
                                                    "(--auth-timeout): send auth first"))
        self.assertEqual(done["big message"],
                         (1008, "message over 65536 bytes before auth: authenticate first"))
        refused = done["flood"]
        self.assertFalse(refused["success"], refused)
        self.assertRegex(refused["message"], r"^task \S+ is full \(max_inflight 2\): retry later$")
        with self.subTest("a 40,000-component pipeline is refused with the limit named"):
            if not has_limit:
                self.skipTest("the server does not check max_components yet (harden-nodes "
                              "branch); a 40,000-component chain would crash it")
            response = done["components"]
            self.assertFalse(response["success"], response.get("body"))
            self.assertIn("pipeline has 40000 components; the limit is 10000 (max_components)",
                          response["message"])
        with self.subTest("text_output outside the data root is refused naming the root"):
            response = done["data root"]
            if response is None:
                self.skipTest("the server let text_output write outside its data root "
                              "(harden-nodes branch not merged)")
            root = DATA_ROOT.match(next(line for line in self.server.lines
                                        if DATA_ROOT.match(line))).group(1)
            self.assertFalse(response["success"])
            self.assertIn("node_1", response["message"])
            self.assertIn(f'leads outside the data root "{root}"', response["message"])

    def assert_the_per_ip_cap_spares_other_ips(self):
        """127.0.0.2 at its cap of unauthenticated sockets is refused; 127.0.0.1 is not."""
        for _ in range(UNAUTHENTICATED_CAP):
            self.addCleanup(hostile_tcp(self.port).close)
        # The acceptor takes connections in order: this one comes after the ten.
        status, reply = hostile_get(self.port, "/health")
        self.assertEqual(status, 429, reply[:300])
        self.assertIn(b"too many unauthenticated connections from 127.0.0.2 (10, "
                      b"--max-unauthenticated-per-ip): authenticate the open ones first", reply)
        self.assertEqual(http_request(self.port, "GET", "/health", timeout=5).status, 200)

    def assert_health(self, answers):
        self.assertGreater(len(answers), 5, "the /health watch hardly ran")
        bad = [answer for answer in answers if answer[0] != 200]
        self.assertEqual(bad, [], "/health failed during the mix")
        slowest = max(seconds for _, seconds in answers)
        self.assertLess(slowest, HEALTH_BOUND, f"/health took {slowest:.2f} s")
