# test_tls.py — `sluice serve --tls-cert FILE --tls-key FILE`: wss:// and https:// on one port,
# checked by clients that verify the certificate (a self-signed one made here, trusted as the
# only CA); a client that does not trust it is refused; a bad certificate or key stops the
# server at start with exit 2 and a message naming the file.
import http.client
import os
import shutil
import socket
import ssl
import time
import subprocess
import tempfile
import unittest

import websockets

from dap_client import DapClient
from server_case import ServerTestCase, echo_pipeline, unique_token
from server_process import sluice_binary
from store_client import Store


def make_certificate(directory, name="server"):
    """A self-signed certificate for 127.0.0.1 and localhost: (cert path, key path)."""
    cert = os.path.join(directory, f"{name}.pem")
    key = os.path.join(directory, f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                    "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=30)
    return cert, key


class TlsServerTest(ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.cert_dir = tempfile.mkdtemp(prefix="sluice-tls-")
        cls.cert, cls.tls_key = make_certificate(cls.cert_dir)
        cls.server_args = ("--tls-cert", cls.cert, "--tls-key", cls.tls_key,
                           "--auth-timeout", "2")
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        try:
            super().tearDownClass()
        finally:
            shutil.rmtree(cls.cert_dir, ignore_errors=True)

    def trusting(self):
        """A client context that verifies the server against our certificate only."""
        context = ssl.create_default_context(cafile=self.cert)
        self.assertEqual(context.verify_mode, ssl.CERT_REQUIRED)
        self.assertTrue(context.check_hostname)
        return context

    async def wss_client(self):
        ws = await websockets.connect(f"wss://127.0.0.1:{self.port}/task/service",
                                      ssl=self.trusting(), compression=None, max_size=None,
                                      open_timeout=10, close_timeout=2, ping_interval=None)
        client = DapClient(ws, "wss")
        self.addAsyncCleanup(client.close)
        await client.auth(self.key)
        return client

    def https(self, method, path, context=None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=15,
                                                 context=context or self.trusting())
        try:
            connection.request(method, path, headers={"Authorization": f"Bearer {self.key}"})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def test_the_listening_line_names_https_and_wss(self):
        self.assertTrue(any(line.startswith("sluice serve: listening on https://") and
                            "(WebSocket wss://" in line for line in self.server.lines),
                        self.server.lines)

    async def test_wss_execute_and_send_answer_a_client_that_verifies_the_certificate(self):
        client = await self.wss_client()
        token = unique_token("tls")
        body = await client.execute(echo_pipeline(), token=token)
        self.assertEqual(body["token"], token)
        result = await client.send(token, "over tls", mime="text/plain")
        self.assertIn("over tls", str(result))
        await client.terminate(token)

    async def test_store_binary_frames_cross_tls_both_ways(self):
        store = Store(await self.wss_client())
        data = os.urandom(3 << 20)
        await store.write_file("tls/file.bin", data, chunk=1 << 20)
        self.assertEqual(await store.read_file("tls/file.bin"), data)

    def test_https_get_is_answered_with_verification(self):
        status, raw = self.https("GET", "/health")
        self.assertEqual(status, 200, raw)
        status, raw = self.https("GET", "/tasks")
        self.assertEqual(status, 200, raw)

    def test_a_client_that_does_not_trust_the_certificate_is_refused(self):
        with self.assertRaises(ssl.SSLCertVerificationError):
            self.https("GET", "/health", context=ssl.create_default_context())
        self.assertEqual(self.https("GET", "/health")[0], 200, "the server still serves")

    def test_a_socket_that_never_starts_the_handshake_is_closed_after_the_auth_timeout(self):
        started = time.monotonic()
        with socket.create_connection(("127.0.0.1", self.port), timeout=15) as silent:
            self.assertEqual(silent.recv(1), b"", "closed without an answer")
        self.assertLess(time.monotonic() - started, 10, "closed at --auth-timeout (2 s)")
        self.assertGreater(time.monotonic() - started, 1.5, "not before --auth-timeout")

    def test_plain_http_on_the_tls_port_gets_no_answer(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            with self.assertRaises((http.client.HTTPException, ConnectionError)):
                connection.request("GET", "/health")
                connection.getresponse().read()
        finally:
            connection.close()
        self.assertEqual(self.https("GET", "/health")[0], 200, "the server still serves")


class TlsStartupTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="sluice-tls-start-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.cert, self.key = make_certificate(self.dir)

    def start(self, *args):
        """Exit code and stderr of a `sluice serve` that must stop at start."""
        run = subprocess.run([sluice_binary(), "serve", "--port", "0", "--data-dir",
                              os.path.join(self.dir, "data"), *args],
                             capture_output=True, text=True, timeout=30, cwd=self.dir,
                             env={**os.environ, "SLUICE_API_KEYS": "k"})
        return run.returncode, run.stderr.strip()

    def test_a_key_file_that_is_not_a_key_stops_the_server_with_exit_2(self):
        garbage = os.path.join(self.dir, "garbage.key")
        with open(garbage, "w") as f:
            f.write("not a key\n")
        code, err = self.start("--tls-cert", self.cert, "--tls-key", garbage)
        self.assertEqual(code, 2, err)
        self.assertRegex(err, rf"^sluice serve: --tls-key {garbage}: cannot be loaded \(.+\); "
                              rf"give the PEM private key of --tls-cert {self.cert}$")

    def test_a_key_of_another_certificate_stops_the_server_with_exit_2(self):
        _, other_key = make_certificate(self.dir, "other")
        code, err = self.start("--tls-cert", self.cert, "--tls-key", other_key)
        self.assertEqual(code, 2, err)
        self.assertIn(f"--tls-key {other_key}: ", err)
        self.assertIn("mismatch", err)

    def test_a_missing_certificate_stops_the_server_with_exit_2(self):
        missing = os.path.join(self.dir, "missing.pem")
        code, err = self.start("--tls-cert", missing, "--tls-key", self.key)
        self.assertEqual(code, 2, err)
        self.assertRegex(err, rf"^sluice serve: --tls-cert {missing}: cannot be loaded \(.+\); "
                              r"give a PEM certificate \(chain\) file$")

    def test_a_certificate_without_its_key_is_a_usage_error(self):
        code, err = self.start("--tls-cert", self.cert)
        self.assertEqual(code, 2, err)
        self.assertEqual(err, "sluice serve: --tls-cert: needs --tls-key too (the "
                              "certificate's private key)")
