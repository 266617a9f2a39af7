# test_unauthenticated.py — what a client without a key may cost the server: an HTTP request is
# refused (401) from its head, before its body is read; an unauthenticated WebSocket may send
# small messages only and is closed when it does not authenticate in time; one IP may hold only
# --max-unauthenticated-per-ip sockets that have not authenticated yet.
import asyncio
import time
import concurrent.futures

import websockets

from dap_client import DapClient
from http_client import http_request, http_request_raw
from server_case import ServerTestCase
from server_process import rss_bytes

BODY = 60 * 1024 * 1024


class UnauthenticatedHttpTests(ServerTestCase):

    def test_8_unauthenticated_60_mb_bodies_get_401_and_the_server_reads_none_of_them(self):
        head = (f"POST /task/data?token=whatever HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Content-Type: text/plain\r\nContent-Length: {BODY}\r\n\r\n")
        body = b"z" * BODY
        before = rss_bytes(self.server.pid, "VmHWM")
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: http_request_raw(self.port, head, body,
                                                               wait_before_body=3.0), range(8)))
        grown = rss_bytes(self.server.pid, "VmHWM") - before
        for status, reply in replies:
            self.assertEqual(status, 401, reply[:300])
            self.assertIn(b'Authorization: Bearer KEY', reply)
        self.assertLess(grown, 50 * 1024 * 1024, f"peak RSS grew {grown / 2**20:.0f} MB")

    def test_a_request_with_a_key_still_gets_its_body_read(self):
        reply = self.http("POST", "/task/data", body="hello", query={"token": "nope"},
                          headers={"Content-Type": "text/plain"})
        self.assertEqual(reply.status, 404, reply)  # the body was read; the token is unknown

    def test_health_needs_no_key(self):
        self.assertEqual(self.http("GET", "/health", key=None).status, 200)


class UnauthenticatedWebSocketTests(ServerTestCase):
    server_args = ("--auth-timeout", "1")

    async def test_a_silent_websocket_is_closed_after_the_auth_timeout_with_a_reason(self):
        silent = await self.connect()
        await silent.wait_closed(10)
        self.assertEqual(silent.close_code, 1008)
        self.assertEqual(silent.close_reason,
                         "not authenticated within 1 s (--auth-timeout): send auth first")

    async def test_an_authenticated_websocket_outlives_the_auth_timeout(self):
        client = await self.client()
        with self.assertRaises(asyncio.TimeoutError):
            await client.wait_closed(2)
        self.assertEqual(await client.call("rrext_ping"), {"pong": True})

    async def test_a_message_over_64_kib_before_auth_closes_the_socket_with_a_reason(self):
        client = await self.connect()
        await client.send_raw('{"type":"request","seq":1,"command":"auth","arguments":'
                              '{"pad":"' + "x" * 100_000 + '"}}')
        await client.wait_closed(10)
        self.assertEqual(client.close_code, 1008)
        self.assertEqual(client.close_reason,
                         "message over 65536 bytes before auth: authenticate first")

    async def test_a_message_over_64_kib_after_auth_is_served(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        result = await client.send(token, "y" * 100_000, "text/plain")
        self.assertEqual(len(result["text"][0]), 100_002)


class UnauthenticatedPerIpTests(ServerTestCase):
    server_args = ("--max-unauthenticated-per-ip", "10")

    async def test_the_11th_unauthenticated_socket_of_one_ip_is_refused_until_one_authenticates(self):
        waiting = [await self.connect() for _ in range(10)]
        reply = await asyncio.to_thread(self.http, "GET", "/health", key=None)
        self.assertEqual(reply.status, 429, reply)
        self.assertEqual(reply.error_message(),
                         "too many unauthenticated connections from 127.0.0.1 (10, "
                         "--max-unauthenticated-per-ip): authenticate the open ones first")
        with self.assertRaises(websockets.exceptions.InvalidHandshake):
            await DapClient.connect(self.port)
        await waiting[0].auth(self.key)
        reply = await asyncio.to_thread(self.http, "GET", "/health", key=None)
        self.assertEqual(reply.status, 200, reply)
        # The /health socket's place comes back when the server sees it close, which a slow
        # (sanitized) server may not have done yet: poll, bounded.
        deadline = time.monotonic() + 10
        metrics = await asyncio.to_thread(self.http, "GET", "/metrics")
        while metrics.status == 429 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # polling with a deadline, not synchronising
            metrics = await asyncio.to_thread(self.http, "GET", "/metrics")
        self.assertRegex(metrics.text, r'sluice_refused_total\{reason="unauthenticated"\} [1-9]')
