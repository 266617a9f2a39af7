# test_http.py — the REST side on the WebSocket's port: public /health and /ping, 401 for a
# missing or wrong key (and no work done), POST/GET/DELETE /task with their status codes,
# POST /task/data, GET /tasks, Prometheus text on /metrics, unknown routes.
import re
import uuid

from server_case import (COMPLETED, RUNNING, STOPPING, ServerTestCase, echo_pipeline,
                         terminated_message, unique_token)

PROTECTED = (("GET", "/tasks", None), ("GET", "/metrics", None), ("GET", "/task?token=x", None),
             ("DELETE", "/task?token=x", None), ("POST", "/task/data?token=x", b"data"))


class HttpTests(ServerTestCase):

    def start(self, pipeline=None, **query):
        token = query.pop("token", None) or unique_token("http")
        reply = self.http("POST", "/task", body=pipeline or echo_pipeline(),
                          query={"token": token, **query})
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.json["status"], "OK")
        self.assertEqual(reply.json["data"]["token"], token)
        return token

    def test_health_and_ping_answer_without_a_key(self):
        for path in ("/health", "/ping"):
            reply = self.http("GET", path, key=None)
            self.assertEqual(reply.status, 200, f"{path}: {reply}")
        self.assertEqual(self.http("GET", "/health", key=None).json["status"], "OK")

    def test_every_other_route_answers_401_without_a_key_or_with_a_wrong_one(self):
        for method, path, body in PROTECTED:
            for key in (None, "wrong-key"):
                reply = self.http(method, path, key=key, body=body)
                self.assertEqual(reply.status, 401, f"{method} {path} key={key}: {reply}")
                self.assertEqual(reply.json["status"], "Error")
                self.assertIsInstance(reply.error_message(), str)

    def test_post_task_with_a_bad_key_creates_no_task(self):
        pipeline = echo_pipeline()
        token = unique_token("unauth")
        for key in (None, "wrong-key", ""):
            reply = self.http("POST", "/task", key=key, body=pipeline, query={"token": token})
            self.assertEqual(reply.status, 401, reply)
        tasks = self.http("GET", "/tasks").json["data"]["tasks"]
        self.assertNotIn(token, [task["token"] for task in tasks])
        self.assertNotIn(pipeline["project_id"], [task["project_id"] for task in tasks])
        self.assertEqual(self.http("GET", "/task", query={"token": token}).status, 404)

    def test_post_task_starts_a_task_from_a_flat_or_wrapped_pipeline(self):
        flat = self.start(echo_pipeline())
        wrapped = self.start({"pipeline": echo_pipeline()})
        for token in (flat, wrapped):
            reply = self.http("GET", "/task", query={"token": token})
            self.assertEqual(reply.status, 200, reply)
            self.assertEqual(reply.json["status"], "OK")
            self.assert_status_object(reply.json["data"])
            self.assertEqual(reply.json["data"]["state"], RUNNING)

    def test_post_task_with_an_invalid_pipeline_answers_400_naming_the_problem(self):
        pipeline = echo_pipeline()
        pipeline["components"][1]["provider"] = "nope"
        reply = self.http("POST", "/task", body=pipeline, query={"token": unique_token("bad")})
        self.assertEqual(reply.status, 400, reply)
        self.assertEqual(reply.json["status"], "Error")
        self.assertIn('unknown provider "nope"', reply.error_message())
        self.assertIn("response_1", reply.error_message())

    def test_post_task_with_a_body_that_is_not_json_answers_400(self):
        for body in (b"{not json", b"", b"[1, 2]"):
            reply = self.http("POST", "/task", body=body, query={"token": unique_token("x")},
                              headers={"Content-Type": "application/json"})
            self.assertEqual(reply.status, 400, f"body {body!r}: {reply}")
            self.assertEqual(reply.json["status"], "Error")

    def test_post_task_on_a_running_token_answers_409_unless_use_existing(self):
        token = self.start()
        reply = self.http("POST", "/task", body=echo_pipeline(), query={"token": token})
        self.assertEqual(reply.status, 409, reply)
        self.assertIn("is already running", reply.error_message())
        reply = self.http("POST", "/task", body=echo_pipeline(),
                          query={"token": token, "useExisting": "true"})
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.json["data"]["token"], token)

    def test_get_task_answers_404_for_an_unknown_token_and_400_without_one(self):
        reply = self.http("GET", "/task", query={"token": "E2E-http-nobody"})
        self.assertEqual(reply.status, 404, reply)
        self.assertIn("E2E-http-nobody", reply.error_message())
        self.assertEqual(self.http("GET", "/task").status, 400)

    def test_delete_task_answers_the_final_status_and_a_second_delete_410(self):
        token = self.start()
        reply = self.http("POST", "/task/data", body="before delete", query={"token": token},
                          headers={"Content-Type": "text/plain"})
        self.assertEqual(reply.status, 200, reply)
        reply = self.http("DELETE", "/task", query={"token": token})
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.json["status"], "OK")
        final = reply.json["data"]
        self.assertEqual(final["state"], COMPLETED)
        self.assertIs(final["completed"], True)
        self.assertEqual((final["totalCount"], final["completedCount"]), (1, 1))
        reply = self.http("DELETE", "/task", query={"token": token})
        self.assertEqual(reply.status, 410, reply)
        self.assertEqual(reply.error_message(), terminated_message(token))

    def test_delete_task_with_wait_false_answers_202_once_the_gate_is_closed(self):
        token = self.start()
        reply = self.http("DELETE", "/task", query={"token": token, "wait": "false"})
        self.assertEqual(reply.status, 202, reply)
        status = self.http("GET", "/task", query={"token": token}).json["data"]
        self.assertIn(status["state"], (STOPPING, COMPLETED))
        reply = self.http("POST", "/task/data", body="late", query={"token": token},
                          headers={"Content-Type": "text/plain"})
        self.assertGreaterEqual(reply.status, 400, reply)

    def test_delete_of_an_unknown_token_answers_404(self):
        reply = self.http("DELETE", "/task", query={"token": "E2E-http-ghost"})
        self.assertEqual(reply.status, 404, reply)

    def test_post_task_data_returns_the_object_result_in_the_rest_shape(self):
        token = self.start()
        reply = self.http("POST", "/task/data", body="posted text",
                          query={"token": token, "name": "posted.txt"},
                          headers={"Content-Type": "text/plain"})
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.json["status"], "OK")
        data = reply.json["data"]
        self.assertEqual(data["objectsRequested"], 1)
        self.assertEqual(data["objectsCompleted"], 1)
        self.assertEqual(data["resultTypes"], {"text": "text"})
        body = data["objects"]["body"]
        self.assertEqual(body["name"], "posted.txt")
        self.assertEqual(body["text"], ["posted text\n\n"])
        self.assertEqual(body["status"], "OK")
        self.assertEqual(body["path"], "")
        self.assertNotIn("result_types", body)

    def test_post_task_data_of_octet_stream_has_no_text(self):
        token = self.start()
        reply = self.http("POST", "/task/data", body=bytes(range(256)), query={"token": token},
                          headers={"Content-Type": "application/octet-stream"})
        self.assertEqual(reply.status, 200, reply)
        body = reply.json["data"]["objects"]["body"]
        self.assertNotIn("text", body)
        self.assertEqual(body["status"], "OK")

    def test_get_tasks_lists_the_running_tasks_status_objects(self):
        token = self.start()
        reply = self.http("GET", "/tasks")
        self.assertEqual(reply.status, 200, reply)
        tasks = reply.json["data"]["tasks"]
        ours = [task for task in tasks if task["token"] == token]
        self.assertEqual(len(ours), 1)
        self.assert_status_object(ours[0])

    def test_metrics_are_prometheus_text_with_connection_task_object_node_drain_lines(self):
        token = self.start()
        for i in range(3):
            reply = self.http("POST", "/task/data", body=f"m{i}", query={"token": token},
                              headers={"Content-Type": "text/plain"})
            self.assertEqual(reply.status, 200, reply)
        self.assertEqual(self.http("DELETE", "/task", query={"token": token}).status, 200)
        reply = self.http("GET", "/metrics")
        self.assertEqual(reply.status, 200, reply)
        self.assertTrue(reply.headers["content-type"].startswith("text/plain; version=0.0.4"),
                        reply.headers["content-type"])
        text = reply.text
        for name in ("sluice_connections", "sluice_tasks", "sluice_node_items_total",
                     "sluice_task_drain_seconds"):
            self.assertRegex(text, re.compile(rf"^{name}(\{{[^}}]*\}})? [0-9.eE+-]+$", re.M),
                             f"no {name} sample")
        for state, count in (("accepted", 3), ("completed", 3), ("failed", 0)):
            pattern = (rf'^sluice_task_objects_total\{{[^}}]*token="{re.escape(token)}"[^}}]*'
                       rf'state="{state}"[^}}]*\}} {count}(\.0)?$')
            self.assertRegex(text, re.compile(pattern, re.M), f"objects {state} of {token}")
        self.assertRegex(text, re.compile(
            rf'^sluice_task_drain_seconds\{{[^}}]*token="{re.escape(token)}"', re.M))

    def test_unknown_routes_answer_404(self):
        for method, path in (("GET", "/nowhere"), ("POST", "/task/nothing"),
                             ("GET", f"/{uuid.uuid4().hex}")):
            reply = self.http(method, path)
            self.assertEqual(reply.status, 404, f"{method} {path}: {reply}")

    def test_a_known_route_with_another_verb_answers_405_naming_verb_and_path(self):
        for method, path in (("PATCH", "/task"), ("DELETE", "/tasks"), ("GET", "/task/data"),
                             ("POST", "/metrics"), ("GET", "/webhook")):
            reply = self.http(method, path)
            self.assertEqual(reply.status, 405, f"{method} {path}: {reply}")
            self.assertEqual(reply.json["error"]["message"], f"{method} is not allowed on {path}")
