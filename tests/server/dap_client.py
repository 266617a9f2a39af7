# dap_client.py — a small asyncio client for sluice's DAP-over-WebSocket protocol, shaped like
# RocketRide's Python client: requests matched to responses by request_seq (many in flight),
# binary frames (JSON header, "\n", raw bytes) for arguments.data, an event queue, and the
# open/write/close data pipe. Every wait is bounded so a server bug fails a test, never hangs it.
import asyncio
import json

import websockets
import websockets.exceptions

DEFAULT_TIMEOUT = 15.0


class DapError(RuntimeError):
    """A response with success:false; str() is the server's message."""

    def __init__(self, response):
        super().__init__(response.get("message") or f"{response.get('command')} failed")
        self.response = response


class Disconnected(ConnectionError):
    """The socket closed before the awaited response or event arrived."""


class DapClient:
    def __init__(self, websocket, url):
        self.ws = websocket
        self.url = url
        self._seq = 0
        self._pending = {}  # request_seq -> Future of the response dict
        self.events = asyncio.Queue()
        self.unmatched = asyncio.Queue()  # responses whose request_seq we did not send (e.g. 0)
        self.responses_seen = {}  # request_seq -> how many responses carried it
        self.closed = asyncio.Event()
        self.close_code = None
        self.close_reason = None
        self.protocol_errors = []  # non-JSON or unexpected frames from the server
        self._reader = asyncio.get_running_loop().create_task(self._read_loop())

    @classmethod
    async def connect(cls, port, host="127.0.0.1", path="/task/service", timeout=10.0):
        url = f"ws://{host}:{port}{path}"
        ws = await websockets.connect(url, compression=None, max_size=None, open_timeout=timeout,
                                      close_timeout=2, ping_interval=None)
        return cls(ws, url)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 5)
        except (asyncio.TimeoutError, OSError):
            self.ws.transport.abort()
        try:
            await asyncio.wait_for(self._reader, 5)
        except asyncio.TimeoutError:
            self._reader.cancel()

    def abort(self):
        """Drop the TCP connection without a close handshake (a crashed client)."""
        self.ws.transport.abort()

    # ---- reading ---------------------------------------------------------------------------
    async def _read_loop(self):
        try:
            while True:
                frame = await self.ws.recv()
                self._dispatch(frame)
        except websockets.exceptions.ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.close_reason = self.ws.close_reason
            self.closed.set()
            reason = f"socket closed (code {self.close_code}, reason {self.close_reason!r})"
            for future in self._pending.values():
                if not future.done():
                    future.set_exception(Disconnected(reason))
            self._pending.clear()

    def _dispatch(self, frame):
        try:
            message = decode_frame(frame)
        except ValueError as error:
            self.protocol_errors.append(f"{error}: {frame[:200]!r}")
            return
        kind = message.get("type")
        if kind == "event":
            self.events.put_nowait(message)
        elif kind == "response":
            request_seq = message.get("request_seq")
            self.responses_seen[request_seq] = self.responses_seen.get(request_seq, 0) + 1
            future = self._pending.pop(request_seq, None)
            if future is not None and not future.done():
                future.set_result(message)
            else:
                self.unmatched.put_nowait(message)
        else:
            self.protocol_errors.append(f"unknown message type: {message!r:.200}")

    # ---- requests --------------------------------------------------------------------------
    def next_seq(self):
        self._seq += 1
        return self._seq

    async def request(self, command, arguments=None, data=None, timeout=DEFAULT_TIMEOUT):
        """Send one request; return its response dict (success or not).

        data: bytes go in a binary frame after the header, str goes as arguments.data in text.
        """
        seq = self.next_seq()
        message = {"type": "request", "seq": seq, "command": command,
                   "arguments": dict(arguments or {})}
        future = asyncio.get_running_loop().create_future()
        self._pending[seq] = future
        if self.closed.is_set():
            self._pending.pop(seq, None)
            raise Disconnected(f"socket already closed (code {self.close_code})")
        try:
            if isinstance(data, (bytes, bytearray, memoryview)):
                await self.ws.send(json.dumps(message).encode() + b"\n" + bytes(data))
            else:
                if data is not None:
                    message["arguments"]["data"] = data
                await self.ws.send(json.dumps(message))
        except websockets.exceptions.ConnectionClosed as error:
            self._pending.pop(seq, None)
            raise Disconnected(f"could not send {command}: {error}") from error
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except asyncio.TimeoutError:
            self._pending.pop(seq, None)
            raise asyncio.TimeoutError(
                f"no response to {command} (seq {seq}) within {timeout} s") from None

    async def call(self, command, arguments=None, data=None, timeout=DEFAULT_TIMEOUT):
        """Like request, but return the body and raise DapError on success:false."""
        response = await self.request(command, arguments, data, timeout)
        if response.get("success") is False:
            raise DapError(response)
        return response.get("body") or {}

    async def send_raw(self, frame):
        """Send a text (str) or binary (bytes) frame exactly as given."""
        await self.ws.send(frame)

    async def next_unmatched(self, timeout=DEFAULT_TIMEOUT):
        return await asyncio.wait_for(self.unmatched.get(), timeout)

    async def wait_closed(self, timeout=DEFAULT_TIMEOUT):
        await asyncio.wait_for(self.closed.wait(), timeout)

    # ---- events ----------------------------------------------------------------------------
    async def wait_event(self, name, predicate=lambda event: True, timeout=DEFAULT_TIMEOUT):
        """Return the first queued/arriving event NAME matching predicate; others are dropped."""
        async def find():
            while True:
                event = await self.events.get()
                if event.get("event") == name and predicate(event):
                    return event
        try:
            return await asyncio.wait_for(find(), timeout)
        except asyncio.TimeoutError:
            raise asyncio.TimeoutError(f"no {name} event matching within {timeout} s") from None

    def drain_events(self):
        events = []
        while not self.events.empty():
            events.append(self.events.get_nowait())
        return events

    # ---- the RocketRide client's calls -----------------------------------------------------
    async def auth(self, key):
        return await self.call("auth", {"auth": key, "clientName": "sluice e2e",
                                        "clientVersion": "1.0"})

    async def execute(self, pipeline, **kwargs):
        arguments = {"pipeline": pipeline, "args": []}
        arguments.update(kwargs)
        return await self.call("execute", arguments)

    async def terminate(self, token, timeout=60.0):
        return await self.call("terminate", {"token": token}, timeout=timeout)

    async def status(self, token):
        return await self.call("rrext_get_task_status", {"token": token})

    async def pipe(self, token, mime=None, name=None, objinfo=None, provider=None):
        """Open a data pipe; returns a Pipe whose write/close go over this connection."""
        info = dict(objinfo or {})
        if name is not None:
            info["name"] = name
        info.setdefault("size", 1)
        body = await self.call("rrext_process", {
            "subcommand": "open", "token": token, "object": info,
            "mimeType": mime or "application/octet-stream", "provider": provider})
        return Pipe(self, token, body["pipe_id"])

    async def send(self, token, data, mime=None, name=None, objinfo=None):
        """open, one write, close — as RocketRide's client.send(); returns the close body."""
        if isinstance(data, str):
            data = data.encode()
        info = dict(objinfo or {})
        info["size"] = len(data) or 1
        pipe = await self.pipe(token, mime, name, info)
        try:
            await pipe.write(data)
        except DapError:
            # As the RocketRide client: close the pipe before re-raising, so no object is left open.
            await self.request("rrext_process", {"subcommand": "close", "token": token,
                                                 "pipe_id": pipe.pipe_id})
            raise
        return await pipe.close()


class Pipe:
    def __init__(self, client, token, pipe_id):
        self.client = client
        self.token = token
        self.pipe_id = pipe_id

    async def write(self, data):
        if isinstance(data, str):
            data = data.encode()
        return await self.client.call("rrext_process", {
            "subcommand": "write", "token": self.token, "pipe_id": self.pipe_id}, data=data)

    async def close(self, timeout=DEFAULT_TIMEOUT):
        return await self.client.call("rrext_process", {
            "subcommand": "close", "token": self.token, "pipe_id": self.pipe_id}, timeout=timeout)


def decode_frame(frame):
    """A server frame as a dict: text = JSON; binary = JSON header, "\\n", bytes (or JSON)."""
    if isinstance(frame, bytes):
        header, newline, payload = frame.partition(b"\n")
        message = json.loads(header)
        if newline:
            message.setdefault("arguments", {})["data"] = payload
    else:
        message = json.loads(frame)
    if not isinstance(message, dict):
        raise ValueError("message is not a JSON object")
    return message
