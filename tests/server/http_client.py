# http_client.py — the HTTP side of `sluice serve` as the tests see it: one request per
# connection on http.client, the JSON body decoded when there is one, bounded by a timeout.
import http.client
import json
import socket
import urllib.parse


class HttpReply:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers  # lower-case name -> value
        self.raw = raw
        try:
            self.json = json.loads(raw) if raw else None
        except ValueError:
            self.json = None

    @property
    def text(self):
        return self.raw.decode("utf-8", "replace")

    def error_message(self):
        """error.message of an {"status":"Error","error":{"message":...}} body, else None."""
        if isinstance(self.json, dict) and isinstance(self.json.get("error"), dict):
            return self.json["error"].get("message")
        return None

    def __repr__(self):
        return f"HttpReply({self.status}, {self.raw[:300]!r})"


def http_request(port, method, path, body=None, key=None, headers=None, query=None,
                 host="127.0.0.1", timeout=30.0):
    """One HTTP request; body may be bytes, str or a JSON-able object (sent as JSON)."""
    all_headers = dict(headers or {})
    if key is not None:
        all_headers.setdefault("Authorization", f"Bearer {key}")
    if body is not None and not isinstance(body, (bytes, str)):
        body = json.dumps(body)
        all_headers.setdefault("Content-Type", "application/json")
    if isinstance(body, str):
        body = body.encode()
    if query:
        path = f"{path}?{urllib.parse.urlencode(query)}"
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        raw = response.read()
        return HttpReply(response.status, {k.lower(): v for k, v in response.getheaders()}, raw)
    finally:
        connection.close()


def http_request_raw(port, head, body=b"", wait_before_body=2.0, host="127.0.0.1",
                     timeout=15.0):
    """Send HEAD (request line + headers) on a plain socket; if no answer comes within
    wait_before_body seconds, send BODY too; return (status code, raw reply bytes).

    For limits: a server may refuse a too-large Content-Length before reading the body, and
    writing the body after it closed would reset the connection and lose its answer."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        sock.settimeout(wait_before_body)
        reply = b""
        try:
            reply = sock.recv(65536)
        except socket.timeout:
            sock.settimeout(timeout)
            try:
                sock.sendall(body)
            except (BrokenPipeError, ConnectionResetError):
                pass
        sock.settimeout(timeout)
        try:
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                reply += chunk
                if b"\r\n\r\n" in reply and _complete(reply):
                    break
        except (ConnectionResetError, socket.timeout):
            pass
    status_line = reply.split(b"\r\n", 1)[0].split()
    status = int(status_line[1]) if len(status_line) >= 2 and status_line[1].isdigit() else None
    return status, reply


def _complete(reply):
    head, _, body = reply.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip())
    return False
