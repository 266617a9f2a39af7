# test_limits.py — `--max-message-mb 1`: a WebSocket message over the limit closes that socket
# with code 1009 and a reason naming the limit (other connections unharmed), one just under
# it is served, and an HTTP body over the limit answers 413. A client that stops reading its
# responses is disconnected once 4 x the limit is queued for it (the server's memory is bounded).
import asyncio
import json
import re

import websockets

from http_client import http_request_raw
from server_case import ServerTestCase

LIMIT = 1024 * 1024
LIMIT_IN_REASON = re.compile(r"1048576|\b1 ?Mi?B\b|\b1 ?M\b", re.I)


class MessageLimitTests(ServerTestCase):
    server_args = ("--max-message-mb", "1")

    async def test_a_text_message_over_the_limit_closes_the_socket_with_1009(self):
        bystander = await self.client()
        client = await self.client()
        huge = '{"type":"request","seq":5,"command":"rrext_ping","arguments":{"pad":"' + \
            "x" * (LIMIT + 1000) + '"}}'
        await client.send_raw(huge)
        await client.wait_closed(10)
        self.assertEqual(client.close_code, 1009)
        self.assertRegex(client.close_reason, LIMIT_IN_REASON)
        self.assertEqual(await bystander.call("rrext_ping"), {"pong": True})

    async def test_a_binary_write_over_the_limit_closes_the_socket_with_1009(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "application/octet-stream", "big")
        try:
            await pipe.write(b"\0" * (LIMIT + 1))
        except Exception:  # noqa: BLE001 - the close below is what is checked
            pass
        await client.wait_closed(10)
        self.assertEqual(client.close_code, 1009)
        other = await self.client()
        final = await other.terminate(token)
        self.assert_counts_balance(final)

    async def test_a_message_just_under_the_limit_is_served(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        text = "y" * (LIMIT - 4096)
        result = await client.send(token, text, "text/plain")
        self.assertEqual(len(result["text"][0]), len(text) + 2)

    def test_an_http_body_over_the_limit_answers_413(self):
        size = LIMIT + 512 * 1024
        head = (f"POST /task/data?token=whatever HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {self.key}\r\nContent-Type: text/plain\r\n"
                f"Content-Length: {size}\r\nConnection: close\r\n\r\n")
        status, reply = http_request_raw(self.port, head, b"z" * size)
        self.assertEqual(status, 413, reply[:300])


class UnreadResponsesTests(ServerTestCase):
    server_args = ("--max-message-mb", "1")

    async def test_a_client_that_never_reads_is_disconnected_once_4_limits_are_queued(self):
        bystander = await self.client()
        # max_queue=1: the client library stops reading the socket once one message waits.
        ws = await websockets.connect(f"ws://127.0.0.1:{self.port}/task/service",
                                      compression=None, max_size=None, max_queue=1)
        self.addAsyncCleanup(ws.close)
        await ws.send(json.dumps({"type": "request", "seq": 1, "command": "auth",
                                  "arguments": {"auth": self.key}}))
        # Each rrext_validate answer echoes its ~900 KB pipeline: 60 of them are far more than
        # 4 MiB plus what the kernel's socket buffers hold.
        pipeline = {"components": [{"id": "in", "provider": "webhook",
                                    "config": {"mode": "Source", "pad": "x" * 900_000}}]}
        closed = False
        try:
            for seq in range(2, 62):
                await ws.send(json.dumps({"type": "request", "seq": seq,
                                          "command": "rrext_validate",
                                          "arguments": {"pipeline": pipeline}}))
        except websockets.ConnectionClosed:
            closed = True
        received = 0
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 20)
                received += 1
        except websockets.ConnectionClosed:
            closed = True
        self.assertTrue(closed)
        self.assertLess(received, 61, "the server answered everything: nothing was capped")
        self.assertIn("does not read its responses (over 4194304 bytes queued)",
                      self.server.stderr())
        self.assertEqual(await bystander.call("rrext_ping"), {"pong": True})
