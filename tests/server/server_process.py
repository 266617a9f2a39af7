# server_process.py — one `sluice serve --port 0` child process per test class: started with
# its API keys, ready once the "listening on" line names the port, stopped by a signal with a
# bounded wait that returns the exit code and every stdout line (the summary among them).
import os
import re
import resource
import signal
import subprocess
import tempfile
import threading
import time

LISTENING = re.compile(r"^sluice serve: listening on https?://([^:/\s]+):(\d+) "
                       r"\(WebSocket wss?://[^/\s]+/task/service\)$")
GENERATED_KEY = re.compile(r"^sluice serve: no API key given; generated one for this run: (\S+)$")
SUMMARY = re.compile(r"^sluice serve: stopped after ([0-9.]+) s: (\d+) connections, (\d+) tasks, "
                     r"(\d+) objects accepted, (\d+) completed, (\d+) failed$")

DEFAULT_KEYS = ("e2e-key-one", "e2e-key-two")


def sluice_binary():
    path = os.environ.get("SLUICE_BIN")
    if not path:
        here = os.path.dirname(os.path.abspath(__file__))
        path = os.path.join(here, "..", "..", "build", "e2e", "sluice")
    return os.path.abspath(path)


def _limit_files(nofile):
    def apply():
        resource.setrlimit(resource.RLIMIT_NOFILE, nofile)
    return apply


def proc_status(pid, field):
    """A field of /proc/PID/status, e.g. "VmRSS" -> "123456 kB" or "SigIgn" -> a hex mask."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name == field:
                return value.strip()
    raise KeyError(field)


def rss_bytes(pid, field="VmRSS"):
    """Resident memory now, or its peak so far with field="VmHWM" (freed buffers not hidden)."""
    return int(proc_status(pid, field).split()[0]) * 1024


def cpu_seconds(pid):
    """utime + stime of the process so far, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ServerProcess:
    """A running `sluice serve`; .port, .keys, .lines (stdout so far), .stop()."""

    def __init__(self, args=(), keys=DEFAULT_KEYS, env=None, start_timeout=20.0, nofile=None,
                 cwd=None):
        """nofile: (soft, hard) RLIMIT_NOFILE for the child; cwd: its working directory."""
        self.binary = sluice_binary()
        self.keys = list(keys or ())
        self.host = None
        self.port = None
        self.generated_key = None
        self.lines = []
        self.exit_code = None
        self._changed = threading.Condition()
        child_env = dict(os.environ)
        child_env.pop("SLUICE_API_KEYS", None)
        if self.keys:
            child_env["SLUICE_API_KEYS"] = ",".join(self.keys)
        child_env.update(env or {})
        self._stderr = tempfile.TemporaryFile()
        if cwd is None:  # the default data root (./sluice-data) goes there, not where tests run
            self._workdir = tempfile.TemporaryDirectory(prefix="sluice-serve-")
            cwd = self._workdir.name
        command = [self.binary, "serve", "--host", "127.0.0.1", "--port", "0", *args]
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self._stderr,
                                        stdin=subprocess.DEVNULL, env=child_env, text=True,
                                        bufsize=1, cwd=cwd,
                                        preexec_fn=_limit_files(nofile) if nofile else None)
        self._reader = threading.Thread(target=self._read_stdout, daemon=True)
        self._reader.start()
        try:
            match = self.wait_for_line(LISTENING, start_timeout)
        except TimeoutError:
            self.kill()
            raise RuntimeError(f"{' '.join(command)} did not print its listening line within "
                               f"{start_timeout} s; stdout {self.lines!r}; "
                               f"stderr {self.stderr()[-2000:]!r}") from None
        self.host, self.port = match.group(1), int(match.group(2))
        generated = self.find_line(GENERATED_KEY)
        if generated:
            self.generated_key = generated.group(1)
        self.key = self.keys[0] if self.keys else self.generated_key

    def _read_stdout(self):
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self.exit_code = self.process.wait()
            self._changed.notify_all()

    def find_line(self, pattern):
        with self._changed:
            for line in self.lines:
                match = pattern.match(line)
                if match:
                    return match
        return None

    def wait_for_line(self, pattern, timeout):
        """The first stdout line matching pattern; TimeoutError if the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for line in self.lines:
                    match = pattern.match(line)
                    if match:
                        return match
                remaining = deadline - time.monotonic()
                if self.exit_code is not None or remaining <= 0:
                    raise TimeoutError(f"no stdout line matching {pattern.pattern!r}")
                self._changed.wait(remaining)

    @property
    def pid(self):
        return self.process.pid

    def wait_for_stderr(self, text, timeout):
        """Polls stderr until it contains text; TimeoutError after timeout seconds."""
        deadline = time.monotonic() + timeout
        while text not in self.stderr():
            if time.monotonic() > deadline or not self.alive():
                raise TimeoutError(f"stderr never held {text!r}: {self.stderr()[-1000:]!r}")
            time.sleep(0.02)  # polling a file with a deadline, not synchronising

    def alive(self):
        return self.process.poll() is None

    def send_signal(self, signum):
        self.process.send_signal(signum)

    def wait(self, timeout):
        """Exit code and stdout lines once the process has ended and its stdout is read."""
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"sluice serve still running {timeout} s later") from None
        self._reader.join(timeout)
        return self.process.returncode, list(self.lines)

    def stop(self, signum=signal.SIGTERM, timeout=30.0):
        """Signal, wait (bounded; killed after), return (exit code, stdout lines)."""
        if self.alive():
            self.send_signal(signum)
        try:
            return self.wait(timeout)
        except TimeoutError:
            self.kill()
            raise

    def kill(self):
        if self.alive():
            self.process.kill()
            self.process.wait(10)

    def stderr(self):
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def summary(self):
        """The exit summary as a dict, or None when it was not printed."""
        match = self.find_line(SUMMARY)
        if not match:
            return None
        keys = ("seconds", "connections", "tasks", "accepted", "completed", "failed")
        values = [float(match.group(1))] + [int(group) for group in match.groups()[1:]]
        return dict(zip(keys, values))
