# test_admission.py — admission never blocks the server: opens and sends that find their task
# full wait on a timer (no shared thread), up to --admission-wait, then fail Busy (429); one
# client queueing thousands of opens on a full task delays no other client's execute or
# POST /task, during the queue and after that client disconnects.
import asyncio
import json
import time

from dap_client import DapError
from server_case import ServerTestCase, echo_pipeline, unique_token


def open_frame(seq, token):
    return json.dumps({"type": "request", "seq": seq, "command": "rrext_process",
                       "arguments": {"subcommand": "open", "token": token,
                                     "object": {"name": f"o{seq}"}, "mimeType": "text/plain"}})


class FullTask:
    async def full_task(self, client):
        """An echo task with max_inflight 2, held full by two open pipes."""
        token, _ = await self.running_echo_task(client, "full")
        pipes = [await client.pipe(token, "text/plain", f"held{i}") for i in range(2)]
        return token, pipes

    async def answers_within(self, seconds):
        """A second client's execute and an HTTP POST /task each answer within `seconds`."""
        other = await self.client()
        started = time.monotonic()
        await asyncio.wait_for(other.execute(echo_pipeline(), token=unique_token("other")),
                               seconds)
        reply = await asyncio.wait_for(
            asyncio.to_thread(self.http, "POST", "/task", body={"pipeline": echo_pipeline()},
                              query={"token": unique_token("http")}, timeout=seconds), seconds)
        self.assertEqual(reply.status, 200, reply)
        return time.monotonic() - started



class AdmissionTests(FullTask, ServerTestCase):
    server_args = ("--max-inflight", "2")

    async def test_5000_queued_opens_on_a_full_task_delay_no_other_clients_task_creation(self):
        owner = await self.client()
        token, _ = await self.full_task(owner)
        flood = await self.client()
        for seq in range(1000, 6000):
            await flood.send_raw(open_frame(seq, token))
        took = await self.answers_within(2)
        self.assertLess(took, 4)
        # Past 256 waiting opens on one connection, the rest are refused at once.
        refused = await flood.next_unmatched(10)
        self.assertFalse(refused["success"])
        self.assertEqual(refused["message"],
                         f"task {token} is full (max_inflight 2): retry later")
        flood.abort()
        await flood.wait_closed(5)
        await self.answers_within(2)

    async def test_an_open_waiting_for_room_is_admitted_when_a_pipe_closes(self):
        client = await self.client()
        token, pipes = await self.full_task(client)
        waiting = asyncio.ensure_future(client.pipe(token, "text/plain", "third"))
        await pipes[0].write(b"hello")
        await pipes[0].close()
        third = await asyncio.wait_for(waiting, 5)
        await third.write(b"again")
        result = await third.close()
        self.assertIn("text", result)


class AdmissionWaitTests(FullTask, ServerTestCase):
    server_args = ("--max-inflight", "2", "--admission-wait", "1")

    async def test_an_open_on_a_full_task_fails_busy_after_the_admission_wait(self):
        client = await self.client()
        token, _ = await self.full_task(client)
        started = time.monotonic()
        with self.assertRaises(DapError) as refused:
            await client.pipe(token, "text/plain", "third")
        self.assertEqual(str(refused.exception),
                         f"task {token} is full (max_inflight 2): retry later")
        self.assertGreaterEqual(time.monotonic() - started, 0.9)

    async def test_a_post_on_a_full_task_answers_429_after_the_admission_wait(self):
        client = await self.client()
        token, _ = await self.full_task(client)
        reply = await asyncio.to_thread(self.http, "POST", "/task/data", body="x",
                                        query={"token": token},
                                        headers={"Content-Type": "text/plain"})
        self.assertEqual(reply.status, 429, reply)
        self.assertEqual(reply.error_message(),
                         f"task {token} is full (max_inflight 2): retry later")
