# test_descriptors.py — the process's descriptors and signals: SIGPIPE is ignored and the soft
# open-file limit is raised to the hard one at start; out of descriptors, the acceptor backs off
# (few log lines, little CPU) while connected clients keep being served, and new ones are
# served again once descriptors are free.
import signal
import socket
import time
import unittest

from http_client import http_request
from server_process import ServerProcess, cpu_seconds, proc_status

KEY = "e2e-descriptor-key"


def open_file_limits(pid):
    with open(f"/proc/{pid}/limits") as limits:
        for line in limits:
            if line.startswith("Max open files"):
                soft, hard = line.split()[3:5]
                return int(soft), int(hard)
    raise KeyError("Max open files")


def keep_alive_health(sock):
    """GET /health on an open keep-alive socket; the status code of the answer."""
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n")
    reply = b""
    while b"\r\n\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError(f"closed after {reply!r}")
        reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += sock.recv(4096)
    return int(head.split()[1])


def health_within(port, seconds):
    """Polls GET /health until it answers 200; the status, or None after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            reply = http_request(port, "GET", "/health", timeout=2)
            if reply.status == 200:
                return 200
        except OSError:
            pass
    return None


class ProcessSetupTests(unittest.TestCase):

    def test_sigpipe_is_ignored_and_the_soft_file_limit_raised_to_the_hard_one(self):
        server = ServerProcess(keys=(KEY,), nofile=(256, 2048))
        self.addCleanup(server.kill)
        self.assertEqual(open_file_limits(server.pid), (2048, 2048))
        ignored = int(proc_status(server.pid, "SigIgn"), 16)
        self.assertTrue(ignored & (1 << (signal.SIGPIPE - 1)), f"SigIgn {ignored:x}")
        self.assertEqual(server.stderr(), "", "process setup logs nothing when it succeeds")


class DescriptorExhaustionTests(unittest.TestCase):

    def test_out_of_descriptors_the_acceptor_backs_off_and_connected_clients_are_served(self):
        server = ServerProcess(args=("--max-unauthenticated-per-ip", "1000"), keys=(KEY,),
                               nofile=(64, 64))
        self.addCleanup(server.kill)
        connected = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        self.addCleanup(connected.close)
        self.assertEqual(keep_alive_health(connected), 200)

        flood = []
        self.addCleanup(lambda: [s.close() for s in flood])
        for _ in range(100):  # more than 64 descriptors: the rest wait in the listen backlog
            flood.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
        server.wait_for_stderr("accept failed: Too many open files", 10)

        before, started = cpu_seconds(server.pid), time.monotonic()
        time.sleep(1.0)  # a measuring window, not synchronisation
        used = (cpu_seconds(server.pid) - before) / (time.monotonic() - started)
        self.assertLess(used, 0.3, f"{used:.2f} CPU-s per second while out of descriptors")
        self.assertEqual(keep_alive_health(connected), 200, "a connected client is still served")

        for sock in flood:
            sock.close()
        flood.clear()
        self.assertEqual(health_within(server.port, 10), 200, "new clients served again")
        lines = [line for line in server.stderr().splitlines() if "accept failed" in line]
        self.assertLess(len(lines), 10, lines[:20])
        self.assertRegex(lines[0], r"\(\d+ failures? since the last line\); waiting up to 1 s")
        code, _ = server.stop(timeout=30)
        self.assertEqual(code, 0)
