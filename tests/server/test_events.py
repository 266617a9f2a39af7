# test_events.py — rrext_monitor subscriptions: the catch-up events at once (status for
# `summary`, `running` for `task`), live status updates as counters change, the final update
# and the `end` event when the task ends, `begin` for a new task of the same project/source,
# unsubscribing with types [], and no cross-talk between tasks.
from server_case import COMPLETED, RUNNING, ServerTestCase, echo_pipeline, unique_token


def task_event(action):
    return lambda event: event["body"].get("action") == action


class MonitorTests(ServerTestCase):

    async def subscribed(self, types, pipeline=None, token=None):
        """A client subscribed to a fresh echo task's events; returns (client, token, pipeline)."""
        client = await self.client()
        pipeline = pipeline or echo_pipeline()
        token = token or unique_token("ev")
        await client.execute(pipeline, token=token)
        response = await client.request("rrext_monitor", {"token": token, "types": types})
        self.assertTrue(response["success"], response)
        return client, token, pipeline

    async def test_monitor_summary_sends_a_catch_up_status_update_at_once(self):
        client, token, pipeline = await self.subscribed(["summary"])
        event = await client.wait_event("apaevt_status_update", timeout=5)
        self.assertEqual(event["type"], "event")
        self.assertIsInstance(event["seq"], int)
        self.assert_status_object(event["body"])
        self.assertEqual(event["body"]["token"], token)
        self.assertEqual(event["body"]["project_id"], pipeline["project_id"])
        self.assertEqual(event["body"]["state"], RUNNING)

    async def test_monitor_task_sends_a_running_event_listing_the_task(self):
        client, token, pipeline = await self.subscribed(["task"])
        event = await client.wait_event("apaevt_task", task_event("running"), timeout=5)
        tasks = event["body"]["tasks"]
        ours = [task for task in tasks if task.get("projectId") == pipeline["project_id"]]
        self.assertEqual(len(ours), 1, tasks)
        self.assertEqual(ours[0]["source"], "webhook_1")
        self.assertIsInstance(ours[0]["id"], str)
        self.assertIsInstance(ours[0]["name"], str)

    async def test_live_status_updates_follow_the_counters(self):
        client, token, _ = await self.subscribed(["summary"])
        await client.wait_event("apaevt_status_update", timeout=5)
        for i in range(3):
            await client.send(token, f"counted {i}", "text/plain")
        event = await client.wait_event(
            "apaevt_status_update", lambda e: e["body"]["completedCount"] == 3, timeout=5)
        self.assertEqual(event["body"]["totalCount"], 3)

    async def test_terminate_sends_a_final_status_update_and_a_task_end_event(self):
        client, token, pipeline = await self.subscribed(["summary", "task"])
        await client.send(token, "last", "text/plain")
        other = await self.client()
        await other.terminate(token)
        final = await client.wait_event(
            "apaevt_status_update", lambda e: e["body"]["completed"] is True, timeout=5)
        self.assertEqual(final["body"]["state"], COMPLETED)
        self.assertEqual(final["body"]["totalCount"], 1)
        end = await client.wait_event("apaevt_task", task_event("end"), timeout=5)
        self.assertEqual(end["body"]["projectId"], pipeline["project_id"])
        self.assertEqual(end["body"]["source"], "webhook_1")
        self.assertIsInstance(end["body"]["name"], str)
        self.assertIsInstance(end["id"], str)

    async def test_a_new_task_of_the_same_project_and_source_sends_begin(self):
        client, token, pipeline = await self.subscribed(["task"])
        await client.wait_event("apaevt_task", task_event("running"), timeout=5)
        await client.terminate(token)
        await client.wait_event("apaevt_task", task_event("end"), timeout=5)
        other = await self.client()
        await other.execute(pipeline, token=unique_token("ev-next"))
        begin = await client.wait_event("apaevt_task", task_event("begin"), timeout=5)
        self.assertEqual(begin["body"]["projectId"], pipeline["project_id"])
        self.assertEqual(begin["body"]["source"], "webhook_1")
        self.assertIsInstance(begin["id"], str)

    async def test_empty_types_unsubscribe(self):
        client, token, _ = await self.subscribed(["summary", "task"])
        await client.wait_event("apaevt_task", task_event("running"), timeout=5)
        await client.call("rrext_monitor", {"token": token, "types": []})
        witness = await self.client()
        await witness.call("rrext_monitor", {"token": token, "types": ["summary", "task"]})
        client.drain_events()
        await client.send(token, "unseen", "text/plain")
        await witness.terminate(token)
        await witness.wait_event("apaevt_task", task_event("end"), timeout=5)
        await client.call("rrext_ping")
        self.assertEqual(client.drain_events(), [])

    async def test_a_subscriber_of_one_task_gets_no_events_of_another(self):
        client, token, pipeline = await self.subscribed(["summary", "task"])
        await client.wait_event("apaevt_status_update", timeout=5)
        witness, other_token, other_pipeline = await self.subscribed(["summary", "task"])
        await witness.wait_event("apaevt_status_update", timeout=5)
        client.drain_events()
        await witness.send(other_token, "elsewhere", "text/plain")
        await witness.terminate(other_token)
        await witness.wait_event("apaevt_task", task_event("end"), timeout=5)
        await client.call("rrext_ping")
        foreign = [event for event in client.drain_events()
                   if event["body"].get("project_id", event["body"].get("projectId"))
                   == other_pipeline["project_id"]]
        self.assertEqual(foreign, [])

    async def test_monitor_of_an_unknown_token_fails(self):
        client = await self.client()
        response = await client.request("rrext_monitor", {"token": "E2E-nobody",
                                                          "types": ["summary"]})
        self.assertFalse(response["success"])
        self.assertIn("E2E-nobody", response["message"])
