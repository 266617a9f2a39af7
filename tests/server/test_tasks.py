# test_tasks.py — the task commands over the WebSocket: execute (reply shape, invalid
# pipelines, tokens already running, useExisting, 16 concurrent joins), terminate (final
# status, twice, unknown, missing token), status fields and states, rrext_get_token,
# rrext_validate, and reusing a token once its task was terminated.
import asyncio

from server_case import (COMPLETED, RUNNING, ServerTestCase, echo_pipeline, short_status,
                         terminated_message, unique_token, unknown_token_message)


class ExecuteTests(ServerTestCase):

    async def test_execute_echo_pipeline_answers_token_id_project_source_provider(self):
        client = await self.client()
        pipeline = echo_pipeline()
        token = unique_token("exec")
        body = await client.execute(pipeline, token=token)
        self.assertEqual(body["token"], token)
        self.assertIsInstance(body["id"], str)
        self.assertTrue(body["id"], "id is empty")
        self.assertEqual(body["projectId"], pipeline["project_id"])
        self.assertEqual(body["source"], "webhook_1")
        self.assertEqual(body["provider"], "webhook")

    async def test_execute_without_a_token_generates_one(self):
        client = await self.client()
        body = await client.execute(echo_pipeline())
        self.assertIsInstance(body["token"], str)
        self.assertTrue(body["token"])
        status = await client.status(body["token"])
        self.assertEqual(status["state"], RUNNING)

    async def test_execute_accepts_threads_ttl_and_name(self):
        client = await self.client()
        token = unique_token("opts")
        body = await client.execute(echo_pipeline(), token=token, threads=2, ttl=0, name="named")
        self.assertEqual(body["token"], token)
        result = await client.send(token, "x", "text/plain")
        self.assertEqual(result["text"], ["x\n\n"])

    async def test_execute_with_an_unknown_provider_fails_naming_the_component(self):
        client = await self.client()
        pipeline = echo_pipeline()
        pipeline["components"][1]["provider"] = "nope"
        response = await client.request("execute", {"pipeline": pipeline, "token": "E2E-bad"})
        self.assertFalse(response["success"])
        self.assertIn('unknown provider "nope"', response["message"])
        self.assertIn("response_1", response["message"])

    async def test_execute_with_no_components_or_no_pipeline_fails_with_a_reason(self):
        client = await self.client()
        for arguments in ({"pipeline": {"components": []}}, {"pipeline": {}}, {}):
            response = await client.request("execute", arguments)
            self.assertFalse(response["success"], arguments)
            self.assertTrue(response.get("message"), f"no message for {arguments}")

    async def test_execute_with_a_running_token_fails_with_already_running(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        response = await client.request("execute", {"pipeline": echo_pipeline(), "token": token})
        self.assertFalse(response["success"])
        self.assertIn("is already running", response["message"])

    async def test_execute_with_use_existing_returns_the_running_tasks_token(self):
        client = await self.client()
        pipeline = echo_pipeline()
        token = unique_token("existing")
        first = await client.execute(pipeline, token=token)
        second = await client.execute(pipeline, token=token, useExisting=True)
        self.assertEqual(second, first)

    async def test_16_concurrent_executes_with_use_existing_on_one_token_yield_one_task(self):
        clients = [await self.client() for _ in range(4)]
        token = unique_token("cc")
        pipeline = echo_pipeline()
        calls = [clients[i % 4].execute(pipeline, token=token, useExisting=True)
                 for i in range(16)]
        bodies = await asyncio.gather(*calls, return_exceptions=True)
        errors = [body for body in bodies if isinstance(body, Exception)]
        self.assertEqual(errors, [])
        self.assertEqual({body["token"] for body in bodies}, {token})
        tasks = self.http("GET", "/tasks").json["data"]["tasks"]
        self.assertEqual(len([task for task in tasks if task["token"] == token]), 1)
        await clients[0].send(token, "one task", "text/plain")
        status = await clients[1].status(token)
        self.assertEqual(status["totalCount"], 1)

    async def test_a_terminated_token_can_be_used_again_for_a_new_task(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.send(token, "first", "text/plain")
        await client.terminate(token)
        body = await client.execute(echo_pipeline(), token=token)
        self.assertEqual(body["token"], token)
        result = await client.send(token, "second", "text/plain")
        self.assertEqual(result["text"], ["second\n\n"])
        status = await client.status(token)
        self.assertEqual(status["state"], RUNNING)
        self.assertEqual(status["totalCount"], 1, "the new task starts with fresh counters")


class TerminateTests(ServerTestCase):

    async def test_terminate_answers_the_final_status_completed(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.send(token, "a", "text/plain")
        await client.send(token, "b", "text/plain")
        final = await client.terminate(token)
        self.assert_status_object(final)
        self.assertEqual(final["state"], COMPLETED)
        self.assertIs(final["completed"], True)
        self.assertEqual((final["totalCount"], final["completedCount"], final["failedCount"]),
                         (2, 2, 0))
        self.assertEqual(final["inFlight"], 0)

    async def test_terminate_twice_fails_with_the_terminated_message(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.terminate(token)
        response = await client.request("terminate", {"token": token})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], terminated_message(token))

    async def test_terminate_of_an_unknown_token_fails_naming_it(self):
        client = await self.client()
        response = await client.request("terminate", {"token": "E2E-never-started"})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], unknown_token_message("E2E-never-started"))

    async def test_terminate_without_a_token_fails_with_token_required(self):
        client = await self.client()
        for arguments in ({}, {"token": ""}):
            response = await client.request("terminate", arguments)
            self.assertFalse(response["success"])
            self.assertEqual(response["message"], "Task token is required", arguments)

    async def test_send_after_terminate_fails_with_the_terminated_message(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.terminate(token)
        response = await client.request("rrext_process", {
            "subcommand": "open", "token": token, "object": {"name": "late"},
            "mimeType": "text/plain"})
        self.assertFalse(response["success"])
        self.assertEqual(response["message"], terminated_message(token))

    async def test_status_of_an_unknown_token_fails_naming_the_token(self):
        client = await self.client()
        response = await client.request("rrext_get_task_status", {"token": "E2E-nobody"})
        self.assertFalse(response["success"])
        self.assertIn("E2E-nobody", response["message"])


class StatusTests(ServerTestCase):

    async def test_status_of_a_running_task_has_every_field_and_state_running(self):
        client = await self.client()
        pipeline = echo_pipeline()
        token = unique_token("status")
        await client.execute(pipeline, token=token)
        status = await client.status(token)
        self.assert_status_object(status)
        self.assertEqual(status["state"], RUNNING)
        self.assertIs(status["completed"], False)
        self.assertEqual(status["token"], token)
        self.assertEqual(status["project_id"], pipeline["project_id"])
        self.assertEqual(status["source"], "webhook_1")
        self.assertEqual(status["totalCount"], 0)
        self.assertEqual(status["inFlight"], 0)
        self.assertGreater(status["startTime"], 1.6e9)
        self.assertIs(status["serviceUp"], True)

    async def test_status_counts_sent_objects_and_sizes(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        for text in ("one", "two", "three"):
            await client.send(token, text, "text/plain")
        status = await client.status(token)
        self.assertEqual((status["totalCount"], status["completedCount"], status["failedCount"]),
                         (3, 3, 0), short_status(status))
        self.assertGreater(status["completedSize"], 0)
        self.assertEqual(status["errors"], [])

    async def test_status_after_terminate_is_retained_completed_and_balanced(self):
        client = await self.client()
        token, _ = await self.running_echo_task(client)
        await client.send(token, "kept", "text/plain")
        await client.terminate(token)
        status = await client.status(token)
        self.assert_status_object(status)
        self.assertEqual(status["state"], COMPLETED)
        self.assertIs(status["completed"], True)
        self.assert_counts_balance(status)
        self.assertEqual(status["totalCount"], 1)
        self.assertGreaterEqual(status["endTime"], status["startTime"])

    async def test_get_token_finds_the_running_task_by_project_and_source(self):
        client = await self.client()
        pipeline = echo_pipeline()
        token = unique_token("lookup")
        await client.execute(pipeline, token=token)
        body = await client.call("rrext_get_token", {"projectId": pipeline["project_id"],
                                                     "source": "webhook_1"})
        self.assertEqual(body, {"token": token})

    async def test_get_token_for_a_project_without_a_task_fails(self):
        client = await self.client()
        response = await client.request("rrext_get_token", {
            "projectId": "00000000-0000-0000-0000-000000000000", "source": "webhook_1"})
        self.assertFalse(response["success"])
        self.assertTrue(response.get("message"))


class ValidateTests(ServerTestCase):

    async def test_validate_returns_errors_naming_the_component_with_an_unknown_provider(self):
        client = await self.client()
        pipeline = echo_pipeline()
        pipeline["components"][1]["provider"] = "nope"
        body = await client.call("rrext_validate", {"pipeline": pipeline})
        self.assertIn("pipeline", body)
        self.assertIsInstance(body["warnings"], list)
        self.assertGreater(len(body["errors"]), 0)
        for error in body["errors"]:
            self.assertIsInstance(error, str)
        self.assertTrue(any("response_1" in error and "nope" in error for error in body["errors"]),
                        body["errors"])

    async def test_validate_of_the_echo_pipeline_has_no_errors_and_starts_no_task(self):
        client = await self.client()
        pipeline = echo_pipeline()
        body = await client.call("rrext_validate", {"pipeline": pipeline})
        self.assertEqual(body["errors"], [])
        self.assertIsInstance(body["pipeline"], dict)
        tasks = self.http("GET", "/tasks").json["data"]["tasks"]
        self.assertNotIn(pipeline["project_id"], [task["project_id"] for task in tasks])
