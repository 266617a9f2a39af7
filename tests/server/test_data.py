# test_data.py — sending objects through the echo pipeline with rrext_process open/write/close:
# result shape with and without MIME types, binary frames, data as a JSON string, a pipe
# streamed in 4 chunks, several pipes at once, pipe errors, and a client that disconnects
# with a pipe still open.
import asyncio

from dap_client import DapClient
from server_case import UUID, ServerTestCase, terminated_message, unknown_token_message


class SendTests(ServerTestCase):

    async def test_send_text_plain_returns_the_text_with_its_result_type(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        result = await client.send(token, "Hello, sluice", "text/plain", name="greeting.txt")
        self.assertEqual(result["name"], "greeting.txt")
        self.assertEqual(result["path"], "")
        self.assertRegex(result["objectId"], UUID)
        self.assertEqual(result["result_types"], {"text": "text"})
        self.assertEqual(result["text"], ["Hello, sluice\n\n"])
        self.assertNotIn("error", result)

    async def test_send_without_mime_returns_no_result_types_and_no_text(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        result = await client.send(token, "raw bytes, not parsed")
        self.assertNotIn("result_types", result)
        self.assertNotIn("text", result)
        self.assertRegex(result["name"], UUID, "an unnamed object gets a UUID name")
        self.assertRegex(result["objectId"], UUID)
        self.assertEqual(result["path"], "")

    async def test_send_application_json_travels_raw_without_text(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        result = await client.send(token, '{"a": 1}', "application/json", name="doc.json")
        self.assertEqual(result["name"], "doc.json")
        self.assertNotIn("result_types", result)
        self.assertNotIn("text", result)

    async def test_object_ids_differ_per_object_and_names_are_kept_exactly(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        first = await client.send(token, "1", "text/plain", name="mixed-test.txt ")
        second = await client.send(token, "2", "text/plain", name="other")
        self.assertEqual(first["name"], "mixed-test.txt ")
        self.assertNotEqual(first["objectId"], second["objectId"])

    async def test_binary_send_of_every_byte_value_completes(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        payload = bytes(range(256)) * 64
        result = await client.send(token, payload, name="all-bytes.bin")
        self.assertEqual(result["name"], "all-bytes.bin")
        self.assertNotIn("error", result)
        status = await client.status(token)
        self.assertEqual((status["totalCount"], status["completedCount"]), (1, 1))

    async def test_binary_frame_splits_at_the_first_newline_only(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        result = await client.send(token, b"line one\nline two\n", "text/plain")
        self.assertEqual(result["text"], ["line one\nline two\n\n\n"])

    async def test_an_empty_write_is_legal(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "text/plain", "empty")
        await pipe.write(b"")
        result = await pipe.close()
        self.assertEqual(result["name"], "empty")
        self.assertNotIn("error", result)

    async def test_write_with_data_as_a_json_string_in_a_text_frame(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "text/plain", "json-string")
        await client.call("rrext_process", {"subcommand": "write", "token": token,
                                            "pipe_id": pipe.pipe_id}, data="from a text frame")
        result = await pipe.close()
        self.assertEqual(result["text"], ["from a text frame\n\n"])

    async def test_a_pipe_streamed_in_4_chunks_returns_them_joined(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "text/plain", "test-stream.txt")
        self.assertIsInstance(pipe.pipe_id, int)
        for chunk in ("Hello ", "from ", "streaming ", "test!"):
            await pipe.write(chunk)
        result = await pipe.close()
        self.assertEqual(result["name"], "test-stream.txt")
        self.assertEqual(result["result_types"], {"text": "text"})
        self.assertEqual(result["text"], ["Hello \n\nfrom \n\nstreaming \n\ntest!\n\n"])

    async def test_several_pipes_open_at_once_keep_their_own_chunks(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipes = [await client.pipe(token, "text/plain", f"p{i}") for i in range(4)]
        self.assertEqual(len({pipe.pipe_id for pipe in pipes}), 4)
        for round_ in range(3):
            await asyncio.gather(*(pipe.write(f"{pipe.pipe_id}:{round_}") for pipe in pipes))
        results = await asyncio.gather(*(pipe.close() for pipe in pipes))
        for pipe, result in zip(pipes, results):
            expected = "".join(f"{pipe.pipe_id}:{round_}\n\n" for round_ in range(3))
            self.assertEqual(result["text"], [expected])

    async def test_64_concurrent_sends_on_one_connection_each_get_their_own_text(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        results = await asyncio.gather(*(client.send(token, f"message {i}", "text/plain",
                                                     name=f"m{i}") for i in range(64)))
        for i, result in enumerate(results):
            self.assertEqual((result["name"], result["text"]), (f"m{i}", [f"message {i}\n\n"]))

    async def test_100_kb_of_text_in_one_write_comes_back_whole(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        text = "".join(f"line {i:06d} of a long document\n" for i in range(3500))
        result = await asyncio.wait_for(client.send(token, text, "text/plain"), 10)
        self.assertEqual(result["text"], [text + "\n\n"])


class PipeErrorTests(ServerTestCase):

    async def test_write_and_close_of_an_unknown_pipe_fail_naming_its_id(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        write = await client.request("rrext_process", {"subcommand": "write", "token": token,
                                                       "pipe_id": 4242}, data=b"x")
        self.assertFalse(write["success"])
        self.assertEqual(write["message"], "Write pipe with id 4242 not found")
        close = await client.request("rrext_process", {"subcommand": "close", "token": token,
                                                       "pipe_id": 4242})
        self.assertFalse(close["success"])
        self.assertEqual(close["message"], "Close pipe with id 4242 not found")

    async def test_write_to_a_closed_pipe_fails_and_a_second_close_fails(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "text/plain", "once")
        await pipe.write("x")
        await pipe.close()
        write = await client.request("rrext_process", {"subcommand": "write", "token": token,
                                                       "pipe_id": pipe.pipe_id}, data=b"y")
        self.assertEqual(write["message"], f"Write pipe with id {pipe.pipe_id} not found")
        close = await client.request("rrext_process", {"subcommand": "close", "token": token,
                                                       "pipe_id": pipe.pipe_id})
        self.assertEqual(close["message"], f"Close pipe with id {pipe.pipe_id} not found")
        status = await client.status(token)
        self.assertEqual(status["totalCount"], 1)

    async def test_open_without_mime_type_or_object_fails_with_the_reference_messages(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        no_mime = await client.request("rrext_process", {"subcommand": "open", "token": token,
                                                         "object": {"name": "n"}})
        self.assertFalse(no_mime["success"])
        self.assertEqual(no_mime["message"], "No mimeType specified")
        no_object = await client.request("rrext_process", {"subcommand": "open", "token": token,
                                                           "mimeType": "text/plain"})
        self.assertFalse(no_object["success"])
        self.assertEqual(no_object["message"], "No object info specified")

    async def test_open_on_an_unknown_token_fails_naming_it(self):
        client = await self.client()
        response = await client.request("rrext_process", {
            "subcommand": "open", "token": "E2E-ghost", "object": {}, "mimeType": "text/plain"})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], unknown_token_message("E2E-ghost"))

    async def test_open_after_terminate_fails_with_the_terminated_message(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.terminate(token)
        response = await client.request("rrext_process", {
            "subcommand": "open", "token": token, "object": {}, "mimeType": "text/plain"})
        self.assertEqual(response["message"], terminated_message(token))

    async def test_a_pipe_open_across_terminate_still_answers_its_close(self):
        client = await self.client()
        other = await self.client()
        token, _ = await self.running_echo_task(client)
        pipe = await client.pipe(token, "text/plain", "straddles")
        await pipe.write("before")
        terminate = asyncio.ensure_future(other.terminate(token))
        close = await client.request("rrext_process", {"subcommand": "close", "token": token,
                                                       "pipe_id": pipe.pipe_id})
        if close["success"]:
            self.assertEqual(close["body"]["text"], ["before\n\n"])
        final = await terminate
        self.assert_counts_balance(final)
        self.assertEqual(final["totalCount"], 1)

    async def test_a_disconnect_with_an_open_pipe_closes_and_accounts_its_object(self):
        dropped = await DapClient.connect(self.port)
        await dropped.auth(self.key)
        token, _ = await self.running_echo_task(dropped)
        pipe = await dropped.pipe(token, "text/plain", "orphan")
        await pipe.write("half an object")
        dropped.abort()
        await dropped.wait_closed(10)
        client = await self.client()
        final = await client.terminate(token)
        self.assert_counts_balance(final)
        self.assertEqual(final["totalCount"], 1, "the orphaned pipe's object is accounted")
        self.assertEqual(final["inFlight"], 0)
