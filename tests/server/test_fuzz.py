# test_fuzz.py — bad input never crashes and never hangs the server: a wrong-type matrix over
# every argument of every command (each request answered exactly once), wrong envelopes, and
# ~3 seconds of random frames (garbage text and bytes, truncated and deeply nested JSON, huge
# strings, random commands with random arguments) from several connections; afterwards
# `rrext_ping` still answers, the process is alive and the echo pipeline still works.
# The random part is seeded: SLUICE_FUZZ_SEED=N repeats a run (the seed is in failure messages).
import asyncio
import json
import os
import random
import time

import websockets.exceptions

from dap_client import DapClient, Disconnected
from server_case import ServerTestCase, echo_pipeline, unique_token

FUZZ_SECONDS = float(os.environ.get("SLUICE_FUZZ_SECONDS", "3"))
FUZZ_CONNECTIONS = 3

WRONG_VALUES = [None, 0, -1, 2 ** 63, -(2 ** 63) - 1, 1e308, 3.5, "", "x" * 2000, "\u0000",
                [], [1, "a", None], {}, {"a": {"b": []}}, True, False]

# Each command with valid-looking arguments; {token}/{pipe} are filled in at run time.
COMMAND_ARGUMENTS = {
    "rrext_ping": {"token": "{token}"},
    "execute": {"pipeline": "{pipeline}", "token": "{fresh}", "threads": 2, "ttl": 0,
                "useExisting": False, "name": "fuzz", "args": [], "source": "webhook_1"},
    "terminate": {"token": "E2E-fuzz-nobody"},
    "restart": {"token": "E2E-fuzz-nobody", "projectId": "p", "source": "s",
                "pipeline": "{pipeline}"},
    "rrext_get_task_status": {"token": "{token}"},
    "rrext_get_token": {"projectId": "p", "source": "webhook_1"},
    "rrext_validate": {"pipeline": "{pipeline}", "source": "webhook_1"},
    "rrext_monitor": {"token": "{token}", "types": ["summary"], "pipeId": 1},
    "rrext_process": {"subcommand": "write", "token": "{token}", "pipe_id": "{pipe}",
                      "object": {"name": "n"}, "mimeType": "text/plain", "provider": None,
                      "data": "text"},
}
SUBCOMMANDS = ("open", "write", "close", "nonsense", "")


class FuzzTests(ServerTestCase):

    async def asyncSetUp(self):
        self.seed = int(os.environ.get("SLUICE_FUZZ_SEED", time.time_ns() % 2 ** 32))
        self.random = random.Random(self.seed)
        self.main = await self.client()
        self.token, _ = await self.running_echo_task(self.main, "fuzz")

    def fill(self, value, pipe_id):
        if value == "{token}":
            return self.token
        if value == "{pipe}":
            return pipe_id
        if value == "{fresh}":
            return unique_token("fz")
        if value == "{pipeline}":
            return echo_pipeline()
        return value

    async def assert_still_serving(self):
        client = await self.client()
        self.assertEqual(await client.call("rrext_ping"), {"pong": True}, f"seed {self.seed}")
        self.assertTrue(self.server.alive(), f"server died; seed {self.seed}")
        result = await client.send(self.token, "still echoing", "text/plain")
        self.assertEqual(result["text"], ["still echoing\n\n"], f"seed {self.seed}")

    async def test_wrong_types_for_every_argument_each_get_exactly_one_response(self):
        client = self.main
        pipe = await client.pipe(self.token, "text/plain", "fuzz-pipe")
        problems = []
        for command, arguments in COMMAND_ARGUMENTS.items():
            for name in arguments:
                for wrong in WRONG_VALUES + ([*SUBCOMMANDS] if name == "subcommand" else []):
                    filled = {key: self.fill(value, pipe.pipe_id)
                              for key, value in arguments.items()}
                    filled[name] = wrong
                    what = f"{command} with {name}={wrong!r:.40}"
                    try:
                        response = await client.request(command, filled, timeout=5)
                    except (asyncio.TimeoutError, Disconnected) as error:
                        problems.append(f"{what}: {error}")
                        client = await self.client()  # go on with the rest of the matrix
                        continue
                    if not isinstance(response.get("success"), bool):
                        problems.append(f"{what}: no boolean success in {response!r:.200}")
                    elif not response["success"] and not response.get("message"):
                        problems.append(f"{what}: failed without a message")
        self.assertEqual(problems, [])
        self.assertEqual(set(client.responses_seen.values()), {1},
                         "a request was answered more than once")
        await self.assert_still_serving()

    async def test_a_lone_surrogate_escape_gets_a_malformed_answer(self):
        client = await self.client()
        await client.send_raw('{"type":"request","seq":77,"command":"rrext_ping",'
                              '"arguments":{"token":"\\ud800"}}')
        response = await client.next_unmatched(10)
        self.assertIn(response["request_seq"], (0, 77))
        self.assertFalse(response["success"])
        self.assertTrue(response["message"].startswith("malformed message: "), response)

    async def test_wrong_types_for_the_auth_key_fail_and_close(self):
        for wrong in WRONG_VALUES:
            client = await self.connect()
            response = await client.request("auth", {"auth": wrong})
            self.assertFalse(response["success"], f"auth {wrong!r:.40}")
            await client.wait_closed(10)
        await self.assert_still_serving()

    async def test_wrong_envelopes_answer_or_close_but_never_crash(self):
        frames = [
            json.dumps({"type": "request", "seq": 501, "command": "rrext_ping", "arguments": []}),
            json.dumps({"type": "request", "seq": 502, "command": "rrext_ping", "arguments": "x"}),
            json.dumps({"type": "request", "seq": 503, "command": "rrext_ping",
                        "arguments": None}),
            json.dumps({"type": "request", "seq": "504", "command": "rrext_ping"}),
            json.dumps({"type": "request", "seq": -5, "command": "rrext_ping"}),
            json.dumps({"type": "request", "seq": 2 ** 70, "command": "rrext_ping"}),
            json.dumps({"type": "request", "seq": 1.5, "command": "rrext_ping"}),
            json.dumps({"type": "request", "seq": 505, "command": 7}),
            json.dumps({"type": "request", "seq": 506, "command": None}),
            json.dumps({"type": "request", "seq": 507}),
            json.dumps({"type": "response", "seq": 508, "command": "rrext_ping"}),
            json.dumps({"type": "event", "seq": 509, "event": "x"}),
            json.dumps({"seq": 510, "command": "rrext_ping"}),
            "[]", "null", "42", '"text"', "", " ", "{}", '{"seq":511}',
        ]
        client = await self.client()
        for frame in frames:
            if client.closed.is_set():
                client = await self.client()
            await client.send_raw(frame)
            await client.send_raw(frame.encode() + b"\n")
        for seq in (501, 502, 503):
            client = await self.client()
            await client.send_raw(json.dumps({"type": "request", "seq": seq,
                                              "command": "rrext_ping", "arguments": []}))
            response = await client.next_unmatched(10)
            self.assertEqual(response["request_seq"], seq)
        await self.assert_still_serving()

    async def test_random_and_malformed_frames_for_a_few_seconds_leave_the_server_serving(self):
        deadline = time.monotonic() + FUZZ_SECONDS
        counts = await asyncio.gather(*(self.fuzz_connection(n, deadline)
                                        for n in range(FUZZ_CONNECTIONS)))
        self.assertGreater(sum(counts), 100, f"too few frames sent; seed {self.seed}")
        await self.assert_still_serving()
        status = await self.main.status(self.token)
        self.assert_counts_balance(status)

    async def fuzz_connection(self, number, deadline):
        """Send random frames until the deadline; reconnect whenever the server closes."""
        rng = random.Random(self.seed * 31 + number)
        authenticated = number != 0  # connection 0 fuzzes the unauthenticated path
        client, sent = None, 0
        while time.monotonic() < deadline:
            if client is None or client.closed.is_set():
                client = await DapClient.connect(self.port)
                self.addAsyncCleanup(client.close)
                if authenticated:
                    await client.auth(self.key)
            try:
                await client.send_raw(self.random_frame(rng))
                sent += 1
                if sent % 25 == 0:  # keep pace with the server, and check it still answers
                    await client.request("rrext_ping", timeout=20)
            except (Disconnected, websockets.exceptions.ConnectionClosed):
                await client.wait_closed(10)  # the server closed it (e.g. after a failed auth)
        return sent

    def random_frame(self, rng):
        kind = rng.randrange(10)
        seq = rng.randrange(1, 10 ** 6)
        if kind == 0:
            return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randrange(200)))
        if kind == 1:
            return rng.randbytes(rng.randrange(1, 4000))
        if kind == 2:
            text = json.dumps({"type": "request", "seq": seq, "command": "rrext_process",
                               "arguments": {"subcommand": "open", "token": self.token,
                                             "object": {"name": "t"}, "mimeType": "text/plain"}})
            return text[:rng.randrange(len(text))]
        if kind == 3:
            depth = rng.choice((100, 1000, 10000))  # deeper: NestingTests
            return "[" * depth + ("]" * depth if rng.random() < 0.5 else "")
        if kind == 4:
            pad = "z" * rng.choice((10 ** 5, 10 ** 6, 4 * 10 ** 6))
            return json.dumps({"type": "request", "seq": seq, "command": "rrext_ping",
                               "arguments": {"pad": pad}})
        if kind == 5:
            header = json.dumps({"type": "request", "seq": seq, "command": "rrext_process",
                                 "arguments": {"subcommand": "write", "token": self.token,
                                               "pipe_id": rng.randrange(50)}})
            return header.encode() + b"\n" + rng.randbytes(rng.randrange(2000))
        if kind == 6:
            return rng.randbytes(rng.randrange(1, 200)) + b"\n" + rng.randbytes(100)
        if kind == 7:
            return json.dumps(rng.choice([None, 1, [], "s", [[{}]], {"type": 5}]))
        command = rng.choice(list(COMMAND_ARGUMENTS) + ["auth", "nonexistent", ""])
        arguments = {key: self.random_value(rng, 3)
                     for key in rng.sample(sorted(COMMAND_ARGUMENTS.get(command, {"token": 0})),
                                           k=rng.randrange(1 + len(COMMAND_ARGUMENTS.get(
                                               command, {"token": 0}))))}
        if command != "execute" and rng.random() < 0.5:
            arguments["token"] = self.token
        if command in ("terminate", "restart"):
            arguments["token"] = "E2E-fuzz-nobody"  # keep the reference task running
        if command == "execute" and isinstance(arguments.get("token"), str):
            arguments["token"] = unique_token("fz")
        return json.dumps({"type": "request", "seq": seq, "command": command,
                           "arguments": arguments})

    def random_value(self, rng, depth):
        kind = rng.randrange(8 if depth > 0 else 6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.choice((True, False))
        if kind == 2:
            return rng.choice((0, -1, 1, 2 ** 31, 2 ** 64, rng.randrange(-10 ** 9, 10 ** 9)))
        if kind == 3:
            return rng.choice((0.5, -1e300, 1e-300))
        if kind in (4, 5):
            return "".join(chr(rng.randrange(1, 0x7FF)) for _ in range(rng.randrange(30)))
        if kind == 6:
            return [self.random_value(rng, depth - 1) for _ in range(rng.randrange(4))]
        return {f"k{i}": self.random_value(rng, depth - 1) for i in range(rng.randrange(4))}


class NestingTests(ServerTestCase):
    """Its own server: a stack overflow here must not take the other fuzz tests down with it."""

    async def test_json_nested_100000_deep_gets_a_malformed_answer_and_no_crash(self):
        client = await self.client()
        for frame in ("[" * 100000, '{"a":' * 100000, "[" * 100000 + "]" * 100000):
            await client.send_raw(frame)
            response = await client.next_unmatched(10)
            self.assertFalse(response["success"])
            self.assertTrue(response["message"].startswith("malformed message: "), response)
        self.assertEqual(await client.call("rrext_ping"), {"pong": True})
