# test_auth.py — the connection's life before and around `auth`: accepted and rejected keys,
# requests before auth, deauth, ping, the DAP envelope of responses, unknown commands,
# malformed frames, binary frames without a header, and where keys come from (env, file,
# generated at start-up).
import asyncio
import json
import os
import tempfile
import unittest

from dap_client import DapClient
from server_case import ServerTestCase
from server_process import GENERATED_KEY, ServerProcess


class AuthTests(ServerTestCase):

    async def test_auth_with_a_valid_key_answers_user_token_and_local_user(self):
        client = await self.connect()
        response = await client.request("auth", {"auth": self.key, "clientName": "e2e"})
        self.assertTrue(response["success"], response)
        self.assertEqual(response["body"]["userToken"], self.key)
        self.assertEqual(response["body"]["userId"], "local")

    async def test_auth_accepts_every_key_of_sluice_api_keys_and_a_bearer_prefix(self):
        for credential, expected in (("e2e-key-two", "e2e-key-two"),
                                     ("Bearer e2e-key-one", "e2e-key-one")):
            client = await self.connect()
            body = await client.auth(credential)
            self.assertEqual(body["userToken"], expected)

    async def test_auth_with_a_bad_key_fails_with_invalid_api_key_then_the_socket_closes(self):
        client = await self.connect()
        response = await client.request("auth", {"auth": "not-a-key"})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], "Invalid API key")
        await client.wait_closed(10)

    async def test_auth_with_an_empty_key_fails_with_no_authorization_then_closes(self):
        client = await self.connect()
        response = await client.request("auth", {"auth": ""})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], "No authorization provided")
        await client.wait_closed(10)

    async def test_a_request_before_auth_fails_with_not_authenticated_then_closes(self):
        client = await self.connect()
        response = await client.request("rrext_ping")
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], "Not authenticated")
        await client.wait_closed(10)

    async def test_execute_before_auth_fails_and_creates_no_task(self):
        client = await self.connect()
        response = await client.request("execute", {"pipeline": {"components": []},
                                                    "token": "E2E-noauth-task"})
        self.assertEqual(response["message"], "Not authenticated")
        tasks = self.http("GET", "/tasks").json["data"]["tasks"]
        self.assertNotIn("E2E-noauth-task", [task.get("token") for task in tasks])

    async def test_deauth_succeeds_and_makes_the_connection_unauthenticated(self):
        client = await self.client()
        response = await client.request("deauth", {})
        self.assertTrue(response["success"], response)
        response = await client.request("rrext_ping")
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], "Not authenticated")

    async def test_auth_again_after_deauth_works(self):
        client = await self.client()
        await client.call("deauth")
        body = await client.auth(self.key)
        self.assertEqual(body["userId"], "local")
        self.assertEqual(await client.call("rrext_ping"), {"pong": True})

    async def test_ping_answers_pong_in_a_full_dap_envelope(self):
        client = await self.client()
        response = await client.request("rrext_ping")
        self.assertEqual(response["type"], "response")
        self.assertEqual(response["command"], "rrext_ping")
        self.assertTrue(response["success"])
        self.assertIsInstance(response["seq"], int)
        self.assertEqual(response["body"], {"pong": True})

    async def test_response_seq_numbers_of_the_server_increase(self):
        client = await self.client()
        seqs = [(await client.request("rrext_ping"))["seq"] for _ in range(5)]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(len(set(seqs)), 5)

    async def test_an_unknown_command_fails_naming_it_and_the_connection_stays_open(self):
        client = await self.client()
        response = await client.request("rrext_no_such_thing", {"x": 1})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], "Invalid command: rrext_no_such_thing")
        self.assertEqual(await client.call("rrext_ping"), {"pong": True})

    async def test_malformed_json_gets_a_failed_response_with_request_seq_zero(self):
        client = await self.client()
        await client.send_raw('{"type":"request","seq":')
        response = await client.next_unmatched(10)
        self.assertFalse(response["success"])
        self.assertEqual(response["request_seq"], 0)
        self.assertTrue(response["message"].startswith("malformed message: "), response)
        self.assertEqual(await client.call("rrext_ping"), {"pong": True})

    async def test_a_binary_frame_without_newline_is_parsed_as_plain_json(self):
        client = await self.client()
        await client.send_raw(json.dumps({"type": "request", "seq": 900, "command": "rrext_ping",
                                          "arguments": {}}).encode())
        response = await client.next_unmatched(10)
        self.assertEqual(response["request_seq"], 900)
        self.assertTrue(response["success"], response)
        self.assertEqual(response["body"], {"pong": True})

    async def test_many_requests_in_flight_each_get_exactly_one_response(self):
        client = await self.client()
        responses = await asyncio.gather(*(client.request("rrext_ping") for _ in range(200)))
        self.assertTrue(all(response["success"] for response in responses))
        self.assertEqual(sorted(client.responses_seen.values()), [1] * 201)


class KeySourceTests(unittest.IsolatedAsyncioTestCase):
    """Servers started with other key sources than SLUICE_API_KEYS."""

    async def auth_reply(self, server, credential):
        client = await DapClient.connect(server.port)
        try:
            return await client.request("auth", {"auth": credential})
        finally:
            await client.close()

    async def test_without_keys_the_server_prints_a_generated_key_that_authenticates(self):
        server = ServerProcess(keys=())
        try:
            self.assertIsNotNone(server.generated_key, server.lines)
            self.assertRegex(server.lines[0], GENERATED_KEY, "the key line comes first")
            self.assertTrue((await self.auth_reply(server, server.generated_key))["success"])
            self.assertFalse((await self.auth_reply(server, "guess"))["success"])
        finally:
            code, _ = server.stop()
        self.assertEqual(code, 0)

    async def test_keys_from_an_api_key_file_authenticate_one_per_line(self):
        with tempfile.NamedTemporaryFile("w", suffix=".keys", delete=False) as keys:
            keys.write("file-key-a\nfile-key-b\n")
        self.addCleanup(os.unlink, keys.name)
        server = ServerProcess(args=("--api-key-file", keys.name), keys=())
        try:
            self.assertIsNone(server.generated_key, "a key file was given; none generated")
            self.assertTrue((await self.auth_reply(server, "file-key-b"))["success"])
            self.assertTrue((await self.auth_reply(server, "file-key-a"))["success"])
            reply = await self.auth_reply(server, "e2e-key-one")
            self.assertEqual(reply["message"], "Invalid API key")
        finally:
            code, _ = server.stop()
        self.assertEqual(code, 0)
