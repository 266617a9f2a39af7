# store_client.py — the file-store calls of RocketRide's Python client (C/mixins/store.py) over
# the tests' DapClient: fs_open/read/write/close with binary frames both ways, the path calls,
# and where a key's files are on disk (to plant links and look for temporary files).
import asyncio
import hashlib
import os
import time

from dap_client import DapError

CHUNK = 4 * 1024 * 1024  # RocketRide's fs_read maximum


def namespace_dir(data_dir, key):
    """The key's store directory: 32 hex characters of SHA-256("sluice-store\\0" + key)."""
    name = hashlib.sha256(b"sluice-store\0" + key.encode()).hexdigest()[:32]
    return os.path.join(data_dir, ".sluice", "store", name)


def temp_files(directory):
    """Unfinished writes' temporary files anywhere below directory."""
    found = []
    for root, _, files in os.walk(directory):
        found += [os.path.join(root, f) for f in files if f.startswith(".sluice-tmp-")]
    return found


async def poll(condition, timeout=10.0, what="condition"):
    """Polls condition() until true (returns its value) or raises after timeout seconds. Yields
    to the event loop between polls: an aborted client's socket is closed by the loop."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout} s")
        await asyncio.sleep(0.02)  # polling with a deadline, not synchronising


class Store:
    def __init__(self, client):
        self.client = client

    async def call(self, subcommand, data=None, **arguments):
        return await self.client.call("rrext_store", {"subcommand": subcommand, **arguments},
                                      data=data, timeout=60)

    async def failure(self, subcommand, data=None, **arguments):
        """The message of a call that must fail."""
        try:
            body = await self.call(subcommand, data, **arguments)
        except DapError as error:
            return str(error)
        raise AssertionError(f"{subcommand} {arguments} succeeded: {body!r}")

    async def open(self, path, mode="r"):
        return await self.call("fs_open", path=path, mode=mode)

    async def write(self, handle, data):
        body = await self.call("fs_write", data=bytes(data), handle=handle)
        return body["bytesWritten"]

    async def read(self, handle, offset=0, length=CHUNK):
        response = await self.client.request("rrext_store", {
            "subcommand": "fs_read", "handle": handle, "offset": offset, "length": length},
            timeout=60)
        if response.get("success") is False:
            raise DapError(response)
        data = response.get("arguments", {}).get("data", b"")
        assert isinstance(data, bytes), f"fs_read answered in a text frame: {response!r:.200}"
        assert response["body"]["size"] == len(data), response["body"]
        return data

    async def close(self, handle, mode="r"):
        return await self.call("fs_close", handle=handle, mode=mode)

    async def write_file(self, path, data, chunk=CHUNK):
        handle = (await self.open(path, "w"))["handle"]
        for start in range(0, len(data), chunk):
            assert await self.write(handle, data[start:start + chunk]) == \
                len(data[start:start + chunk])
        await self.close(handle, "w")

    async def read_file(self, path):
        opened = await self.open(path, "r")
        parts, offset = [], 0
        while True:
            part = await self.read(opened["handle"], offset)
            if not part:
                break
            parts.append(part)
            offset += len(part)
        await self.close(opened["handle"])
        data = b"".join(parts)
        assert len(data) == opened["size"], (len(data), opened["size"])
        return data

    async def stat(self, path):
        return await self.call("fs_stat", path=path)

    async def list(self, path=""):
        return await self.call("fs_list_dir", path=path)

    async def names(self, path=""):
        return [entry["name"] for entry in (await self.list(path))["entries"]]
