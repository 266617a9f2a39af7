# server_case.py — the base of every end-to-end test class: one `sluice serve` per class
# (started in setUpClass, stopped by SIGTERM in tearDownClass, which must exit 0), authenticated
# clients per test, the echo pipeline of protocol-reference §4.1 and unique tokens/projects so
# tests on one server never see each other's tasks or events.
import contextlib
import re
import unittest
import uuid

from dap_client import DapClient
from http_client import http_request
from server_process import ServerProcess

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# Every key of protocol-reference.md's TASK_STATUS, plus sluice's extras.
STATUS_KEYS = {
    "name", "project_id", "source", "completed", "state", "startTime", "endTime",
    "debuggerAttached", "status", "warnings", "errors", "currentObject", "currentSize", "notes",
    "totalSize", "totalCount", "completedSize", "completedCount", "failedSize", "failedCount",
    "wordsSize", "wordsCount", "rateSize", "rateCount", "serviceUp", "exitCode", "exitMessage",
    "pipeflow", "metrics", "tokens", "token", "inFlight"}

RUNNING, STOPPING, COMPLETED, CANCELLED = 3, 4, 5, 6


def echo_pipeline(project_id=None):
    """webhook_1 -> response_1 on lane text, with a fresh project id unless one is given."""
    return {
        "project_id": project_id or str(uuid.uuid4()),
        "source": "webhook_1",
        "components": [
            {"id": "webhook_1", "provider": "webhook", "name": "My webhook",
             "config": {"hideForm": True, "mode": "Source", "type": "webhook"}},
            {"id": "response_1", "provider": "response", "config": {"lanes": []},
             "input": [{"lane": "text", "from": "webhook_1"}]},
        ],
    }


def unique_token(label):
    return f"E2E-{label}-{uuid.uuid4().hex[:8]}"


def terminated_message(token):
    return f"task {token} was terminated; start a new pipeline with use()"


def unknown_token_message(token):
    return f'unknown token "{token}"; start a pipeline with use() first'


class ServerTestCase(unittest.IsolatedAsyncioTestCase):
    """Subclasses may set server_args (extra `sluice serve` flags) and server_keys."""

    server_args = ()
    server_keys = ("e2e-key-one", "e2e-key-two")
    server = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_server()

    @classmethod
    def start_server(cls):
        cls.server = ServerProcess(args=cls.server_args, keys=cls.server_keys)
        cls.port = cls.server.port
        cls.key = cls.server.key

    @classmethod
    def tearDownClass(cls):
        server, cls.server = cls.server, None
        if server is not None:
            try:
                code, lines = server.stop(timeout=30)
            finally:
                server.kill()
            if code != 0:
                raise AssertionError(f"sluice serve exited {code} after SIGTERM; stdout "
                                     f"{lines[-5:]!r}; stderr {server.stderr()[-2000:]!r}")
        super().tearDownClass()

    def tearDown(self):
        server = self.server
        if server is not None and server.alive():
            # A crash may still be under way (abort after the reply was cut): probe, then wait.
            try:
                http_request(self.port, "GET", "/health", timeout=5)
            except OSError:
                try:
                    server.wait(5)
                except TimeoutError:
                    pass
        if server is not None and not server.alive():
            # A fresh server for the class's next tests, so one crash is reported once.
            type(self).start_server()
            self.fail(f"sluice serve died during the test (exit {server.process.returncode});"
                      f" stderr {server.stderr()[-2000:]!r}")

    async def connect(self):
        """An unauthenticated client, closed at the end of the test."""
        client = await DapClient.connect(self.port)
        self.addAsyncCleanup(client.close)
        return client

    async def client(self):
        """An authenticated client, closed at the end of the test."""
        client = await self.connect()
        await client.auth(self.key)
        return client

    async def running_echo_task(self, client, label="echo", **kwargs):
        """Start the echo pipeline under a fresh token; return (token, execute body)."""
        token = unique_token(label)
        body = await client.execute(echo_pipeline(), token=token, **kwargs)
        return token, body

    def http(self, method, path, key=..., **kwargs):
        """HTTP request to the server; key defaults to a valid key, None sends none."""
        return http_request(self.port, method, path, key=self.key if key is ... else key,
                            **kwargs)

    @contextlib.contextmanager
    def no_exception(self, what):
        try:
            yield
        except Exception as error:  # noqa: BLE001 - turned into a test failure that names it
            self.fail(f"{what} raised {type(error).__name__}: {error}")

    def assert_status_object(self, status):
        missing = STATUS_KEYS - set(status)
        self.assertEqual(missing, set(), f"status object lacks keys {sorted(missing)}")
        self.assertIsInstance(status["state"], int)
        self.assertIsInstance(status["completed"], bool)
        for key in ("name", "project_id", "source", "status", "token"):
            self.assertIsInstance(status[key], str, key)
        for key in ("warnings", "errors", "notes"):
            self.assertIsInstance(status[key], list, key)
        self.assertIn("totalPipes", status["pipeflow"])
        self.assertIn("byPipe", status["pipeflow"])
        self.assertIsInstance(status["metrics"], dict)
        self.assertIsInstance(status["tokens"], dict)

    def assert_counts_balance(self, status):
        self.assertEqual(status["totalCount"], status["completedCount"] + status["failedCount"],
                         f"accepted != completed + failed in {short_status(status)}")


def short_status(status):
    keys = ("token", "state", "completed", "totalCount", "completedCount", "failedCount",
            "inFlight", "status")
    return {key: status.get(key) for key in keys}
