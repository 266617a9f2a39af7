# test_deploy.py — rrext_deploy_*: deployments added, listed, updated, paused, removed and kept
# running (their task under the token "deploy-<project_id>"), RocketRide's messages for bad
# requests, restored after a server restart (a corrupt record skipped with a line), and a cron
# tick restarting one while its objects drain (the schedule clock sped up 60 times).
import asyncio
import os
import re
import tempfile
import time
import unittest
import uuid

from dap_client import DapClient, DapError
from server_case import COMPLETED, RUNNING, ServerTestCase, echo_pipeline
from server_process import ServerProcess

INVALID_SCHEDULE = ("Invalid schedule '{}'. Expected \"manual\", a cron preset (@hourly etc.), "
                    "or a 5-field cron expression ({})")
RECORD_KEYS = {"deployment_id", "project_id", "name", "pipeline", "schedule", "state",
               "created_by", "created_at", "updated_at", "token", "running", "task_id",
               "starts", "restarts", "next_run", "last_error"}


def not_found(project_id):
    return f"Deployment not found: {project_id} (rrext_deploy_list lists the deployments)"


def delay_pipeline(project_id, ms):
    """webhook -> delay (ms per item) -> response: objects stay in flight that long."""
    return {
        "project_id": project_id,
        "source": "webhook_1",
        "components": [
            {"id": "webhook_1", "provider": "webhook", "config": {}},
            {"id": "slow", "provider": "delay", "config": {"ms": ms},
             "input": [{"lane": "text", "from": "webhook_1"}]},
            {"id": "response_1", "provider": "response", "config": {},
             "input": [{"lane": "text", "from": "slow"}]},
        ],
    }


async def poll(check, what, timeout=15.0):
    """Calls the async check until it returns a true value; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s (last: {value!r})")
        await asyncio.sleep(0.05)  # polling a condition with a deadline, not synchronising


class DeployCase(ServerTestCase):
    @staticmethod
    async def connect_to(server):
        """An authenticated client of `server` (a ServerProcess); the caller closes it."""
        client = await DapClient.connect(server.port)
        await client.auth(server.key)
        return client

    async def deploy(self, client, pipeline=None, **arguments):
        pipeline = pipeline or echo_pipeline()
        body = await client.call("rrext_deploy_add", {"pipeline": pipeline, **arguments})
        self.addAsyncCleanup(self.remove_quietly, pipeline["project_id"])
        return body

    async def remove_quietly(self, project_id):
        client = await self.client()
        await client.request("rrext_deploy_remove", {"projectId": project_id})

    async def running(self, client, project_id, other_than=0):
        """The deployment's status once a task (other than task id `other_than`) runs it."""
        async def check():
            status = await client.call("rrext_deploy_status", {"projectId": project_id})
            ok = status["running"] and status["task_id"] != other_than
            return status if ok else None
        return await poll(check, f"deployment {project_id} running")

    async def refused(self, client, command, arguments):
        with self.assertRaises(DapError) as caught:
            await client.call(command, arguments)
        return str(caught.exception)


class TestDeployments(DeployCase):
    async def test_an_added_deployment_runs_under_its_token_and_is_listed(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        body = await self.deploy(client, pipeline, name="echo deployment")
        self.assertEqual(RECORD_KEYS - set(body), set())
        self.assertEqual(body["deployment_id"], project)
        self.assertEqual(body["schedule"], "manual")
        self.assertEqual(body["state"], "active")
        self.assertEqual(body["created_by"], "key-1")
        self.assertEqual(body["name"], "echo deployment")
        self.assertEqual(body["token"], f"deploy-{project}")
        self.assertIsNone(body["next_run"])
        status = await self.running(client, project)
        self.assertEqual(status["starts"], 1)
        task = await client.status(f"deploy-{project}")
        self.assertEqual(task["state"], RUNNING)
        result = await client.send(f"deploy-{project}", "hello", mime="text/plain")
        self.assertEqual(result["text"], ["hello\n\n"])
        listed = await client.call("rrext_deploy_list")
        mine = [d for d in listed["deployments"] if d["project_id"] == project]
        self.assertEqual(len(mine), 1)
        self.assertEqual(mine[0]["pipeline"], pipeline)

    async def test_an_update_changes_the_schedule_and_a_new_pipeline_restarts_it(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        created = await self.deploy(client, pipeline)
        first = await self.running(client, project)
        updated = await client.call("rrext_deploy_update",
                                    {"projectId": project, "schedule": "@hourly"})
        self.assertEqual(updated["schedule"], "@hourly")
        self.assertIsInstance(updated["next_run"], int)
        self.assertEqual(updated["next_run"] % 3600, 0)
        self.assertGreaterEqual(updated["updated_at"], created["created_at"])
        self.assertEqual(updated["task_id"], first["task_id"])  # a schedule alone: not restarted
        new_pipeline = delay_pipeline("ignored-by-update", 1)
        await client.call("rrext_deploy_update", {"projectId": project, "pipeline": new_pipeline})
        second = await self.running(client, project, other_than=first["task_id"])
        self.assertEqual(second["pipeline"]["project_id"], project)  # the id never changes
        self.assertEqual([c["id"] for c in second["pipeline"]["components"]],
                         ["webhook_1", "slow", "response_1"])
        task = await client.status(f"deploy-{project}")
        self.assertEqual(task["state"], RUNNING)

    async def test_a_removed_deployment_is_gone_and_its_task_terminated(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        await self.deploy(client, pipeline)
        await self.running(client, project)
        self.assertEqual(await client.call("rrext_deploy_remove", {"projectId": project}), {})
        self.assertEqual(await self.refused(client, "rrext_deploy_status",
                                            {"projectId": project}), not_found(project))

        async def ended():
            status = await client.status(f"deploy-{project}")
            return status["completed"] and status["state"] == COMPLETED
        await poll(ended, "the removed deployment's task ended")
        listed = await client.call("rrext_deploy_list")
        self.assertNotIn(project, [d["project_id"] for d in listed["deployments"]])

    async def test_a_paused_deployment_stops_and_a_resumed_one_runs_again(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        await self.deploy(client, pipeline)
        first = await self.running(client, project)
        paused = await client.call("rrext_deploy_update", {"projectId": project,
                                                            "state": "paused"})
        self.assertEqual(paused["state"], "paused")
        self.assertFalse(paused["running"])
        await client.call("rrext_deploy_update", {"projectId": project, "state": "active"})
        await self.running(client, project, other_than=first["task_id"])

    async def test_a_deployment_whose_task_a_client_terminates_is_started_again(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        await self.deploy(client, pipeline)
        first = await self.running(client, project)
        await client.terminate(f"deploy-{project}")
        second = await self.running(client, project, other_than=first["task_id"])
        self.assertEqual(second["starts"], 2)
        self.assertEqual(second["restarts"], 0)  # not a tick

    async def test_bad_requests_get_rocketride_messages(self):
        client = await self.client()
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        cases = [
            ("rrext_deploy_add", {}, "pipeline is required"),
            ("rrext_deploy_add", {"pipeline": "x"}, "pipeline must be an object"),
            ("rrext_deploy_add", {"pipeline": {"components": []}},
             "pipeline.project_id is required"),
            ("rrext_deploy_add", {"pipeline": echo_pipeline("../../etc")},
             "pipeline.project_id \"../../etc\" cannot name a deployment: use letters, digits, "
             "'.', '_' and '-' only (at most 128, not starting with '.'), e.g. a UUID"),
            ("rrext_deploy_status", {}, "projectId is required"),
            ("rrext_deploy_remove", {}, "projectId is required"),
            ("rrext_deploy_update", {"schedule": "@daily"}, "projectId is required"),
            ("rrext_deploy_status", {"projectId": project}, not_found(project)),
            ("rrext_deploy_remove", {"deploymentId": project}, not_found(project)),
            ("rrext_deploy_update", {"projectId": project, "schedule": "@daily"},
             not_found(project)),
        ]
        for command, arguments, message in cases:
            with self.subTest(command=command, arguments=arguments):
                self.assertEqual(await self.refused(client, command, arguments), message)
        await self.deploy(client, pipeline)
        self.assertEqual(await self.refused(client, "rrext_deploy_add", {"pipeline": pipeline}),
                         f"Deployment already exists: {project}")
        bad_state = await self.refused(client, "rrext_deploy_update",
                                       {"projectId": project, "state": "sleeping"})
        self.assertEqual(bad_state, "state must be \"active\" or \"paused\", got \"sleeping\"")

    async def test_invalid_schedules_are_refused_naming_the_schedule(self):
        client = await self.client()
        cases = [
            ("every day", "5 fields expected (minute hour day-of-month month day-of-week), got 2"),
            ("61 * * * *", "field 1 (minute): 61 is out of 0-59"),
            ("@sometimes", "unknown preset; known: @hourly, @daily, @midnight, @weekly, "
                           "@monthly, @yearly, @annually"),
            ("0 0 30 2 *", "it never fires: no month given has that day"),
        ]
        for schedule, reason in cases:
            with self.subTest(schedule=schedule):
                pipeline = echo_pipeline()
                message = await self.refused(client, "rrext_deploy_add",
                                             {"pipeline": pipeline, "schedule": schedule})
                self.assertEqual(message, INVALID_SCHEDULE.format(schedule, reason))
                refused = await self.refused(client, "rrext_deploy_status",
                                             {"projectId": pipeline["project_id"]})
                self.assertEqual(refused, not_found(pipeline["project_id"]))
        pipeline = echo_pipeline()
        await self.deploy(client, pipeline, schedule="*/15 9-17 * * mon-fri")
        message = await self.refused(client, "rrext_deploy_update",
                                     {"projectId": pipeline["project_id"], "schedule": "* *"})
        self.assertEqual(message, INVALID_SCHEDULE.format(
            "* *", "5 fields expected (minute hour day-of-month month day-of-week), got 2"))
        status = await client.call("rrext_deploy_status", {"projectId": pipeline["project_id"]})
        self.assertEqual(status["schedule"], "*/15 9-17 * * mon-fri")

    async def test_an_invalid_pipeline_is_refused_and_not_stored(self):
        client = await self.client()
        pipeline = echo_pipeline()
        pipeline["components"][1]["provider"] = "no_such_provider"
        message = await self.refused(client, "rrext_deploy_add", {"pipeline": pipeline})
        self.assertIn("no_such_provider", message)
        listed = await client.call("rrext_deploy_list")
        self.assertNotIn(pipeline["project_id"], [d["project_id"] for d in listed["deployments"]])

    async def test_events_and_metrics_show_deployments(self):
        client = await self.client()
        await client.call("rrext_monitor", {"token": "*", "types": ["task"]})
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        await self.deploy(client, pipeline)
        event = await client.wait_event(
            "apaevt_deploy", lambda e: e["body"]["project_id"] == project
            and e["body"]["action"] == "started")
        self.assertEqual(event["body"]["token"], f"deploy-{project}")
        self.assertEqual(event["body"]["starts"], 1)
        metrics = self.http("GET", "/metrics").text
        self.assertRegex(metrics, r'sluice_deployments\{state="active"\} [1-9]')
        self.assertIn(f'sluice_deployment_starts_total{{deployment="{project}"}} 1', metrics)
        self.assertIn(f'sluice_deployment_restarts_total{{deployment="{project}"}} 0', metrics)


class TestDeploySchedule(DeployCase):
    """Schedule time runs 60 times faster: "*/2 * * * *" fires every 2 s."""

    server_args = ("--deploy-clock-scale", "60")

    async def test_a_cron_tick_restarts_the_task_and_the_old_one_drains_what_it_took(self):
        client = await self.client()
        await client.call("rrext_monitor", {"token": "*", "types": ["task"]})
        project = str(uuid.uuid4())
        token = f"deploy-{project}"
        # Each object sleeps 2.5 s in the graph: longer than a tick period, so the next tick
        # comes while they are in flight.
        await self.deploy(client, delay_pipeline(project, 2500), schedule="*/2 * * * *")

        def restarted(event):
            return event["body"]["project_id"] == project and event["body"]["action"] in (
                "started", "restarted")
        await client.wait_event("apaevt_deploy", restarted)
        before = await client.call("rrext_deploy_status", {"projectId": project})
        sends = [asyncio.ensure_future(client.send(token, f"object {i}", mime="text/plain"))
                 for i in range(4)]
        tick = await client.wait_event(
            "apaevt_deploy", lambda e: e["body"]["project_id"] == project
            and e["body"]["action"] == "restarted", timeout=20)
        self.assertFalse(all(s.done() for s in sends), "the tick came after every result")
        results = await asyncio.wait_for(asyncio.gather(*sends), 30)
        self.assertEqual(sorted(r["text"][0] for r in results),
                         [f"object {i}\n\n" for i in range(4)])
        after = await client.call("rrext_deploy_status", {"projectId": project})
        self.assertNotEqual(after["task_id"], before["task_id"])
        self.assertGreaterEqual(tick["body"]["restarts"], 1)

        # The old task drained: everything it accepted completed, nothing failed.
        async def drained():
            metrics = self.http("GET", "/metrics").text
            found = re.findall(rf'sluice_task_objects_total\{{token="{token}",'
                               rf'task_id="{before["task_id"]}",state="(\w+)"\}} (\d+)', metrics)
            counts = {state: int(n) for state, n in found}
            return counts if counts.get("completed") == 4 else None
        counts = await poll(drained, "the old task's objects completed")
        self.assertEqual(counts, {"accepted": 4, "completed": 4, "failed": 0})
        metrics = self.http("GET", "/metrics").text
        restarts = re.search(rf'sluice_deployment_restarts_total\{{deployment="{project}"\}} '
                             r'(\d+)', metrics)
        self.assertGreaterEqual(int(restarts.group(1)), 1)

    async def test_a_manual_deployment_is_not_restarted_by_the_clock(self):
        client = await self.client()
        await client.call("rrext_monitor", {"token": "*", "types": ["task"]})
        pipeline = echo_pipeline()
        project = pipeline["project_id"]
        await self.deploy(client, pipeline)
        first = await self.running(client, project)
        # A witness ticking every minute of schedule time: two of its restarts mean a minute
        # has passed for the manual one too.
        witness = echo_pipeline()
        await self.deploy(client, witness, schedule="* * * * *")
        for _ in range(2):
            await client.wait_event("apaevt_deploy", lambda e: e["body"]["project_id"] ==
                                    witness["project_id"] and e["body"]["action"] == "restarted")
        status = await client.call("rrext_deploy_status", {"projectId": project})
        self.assertEqual((status["task_id"], status["restarts"]), (first["task_id"], 0))


class TestDeployRestore(unittest.IsolatedAsyncioTestCase):
    """Two servers, one after the other, on one data root."""

    async def test_deployments_are_restored_after_a_restart_and_a_corrupt_record_skipped(self):
        data = tempfile.TemporaryDirectory(prefix="sluice-deploy-")
        self.addCleanup(data.cleanup)
        project = str(uuid.uuid4())
        first = ServerProcess(args=("--data-dir", data.name))
        try:
            client = await DeployCase.connect_to(first)
            added = await client.call("rrext_deploy_add", {"pipeline": echo_pipeline(project),
                                                           "schedule": "@daily"})
            await client.close()
        finally:
            code, _ = first.stop(timeout=30)
        self.assertEqual(code, 0)
        records = os.path.join(data.name, ".sluice", "deployments")
        self.assertEqual(sorted(os.listdir(records)), [f"{project}.json"])
        with open(os.path.join(records, "broken.json"), "w") as broken:
            broken.write("{\"project_id\": 3")

        second = ServerProcess(args=("--data-dir", data.name))
        try:
            self.assertIn("sluice serve: 1 deployment restored from", "\n".join(second.lines))
            self.assertIn(f"sluice serve: skipped deployment record {records}/broken.json: ",
                          second.stderr())
            client = await DeployCase.connect_to(second)
            status = await client.call("rrext_deploy_status", {"projectId": project})
            for key in ("schedule", "created_at", "created_by", "pipeline"):
                self.assertEqual(status[key], added[key], key)

            async def running():
                task = await client.request("rrext_get_task_status",
                                            {"token": f"deploy-{project}"})
                return task.get("success") and task["body"]["state"] == RUNNING
            await poll(running, "the restored deployment's task running")
            result = await client.send(f"deploy-{project}", "again", mime="text/plain")
            self.assertEqual(result["text"], ["again\n\n"])
            await client.close()
        finally:
            code, _ = second.stop(timeout=30)
        self.assertEqual(code, 0)
