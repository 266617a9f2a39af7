# send_ledger.py — the senders of the racing and shutdown tests: loops of open/write/close
# that stop at the first refused open (or a closed socket), and a ledger of what they saw —
# pipes opened (objects the server accepted), results, failures by stage — to compare with
# the server's own counters.
import asyncio

from dap_client import Disconnected


class SendLedger:
    def __init__(self, results_wanted):
        self.opened = 0
        self.results = []
        self.failures = []  # (stage, message)
        self.disconnects = []  # stage at which the socket was found closed
        self.results_wanted = results_wanted
        self.enough = asyncio.Event()  # set once results_wanted results arrived

    def result(self, body):
        self.results.append(body)
        if len(self.results) >= self.results_wanted:
            self.enough.set()

    def refusals(self):
        return [message for stage, message in self.failures if stage == "open"]


async def send_until_refused(client, token, ledger, label):
    """open/write/close text objects until an open is refused or the socket closes."""
    stage = "open"
    try:
        for i in range(1_000_000):
            stage = "open"
            opened = await client.request("rrext_process", {
                "subcommand": "open", "token": token, "object": {"name": f"{label}-{i}"},
                "mimeType": "text/plain"})
            if not opened["success"]:
                ledger.failures.append(("open", opened["message"]))
                return
            ledger.opened += 1
            arguments = {"subcommand": "write", "token": token, "pipe_id": opened["body"]["pipe_id"]}
            stage = "write"
            written = await client.request("rrext_process", arguments,
                                           data=f"{label} #{i}".encode())
            if not written["success"]:
                ledger.failures.append(("write", written["message"]))
            stage = "close"
            closed = await client.request("rrext_process", {**arguments, "subcommand": "close"})
            if not closed["success"]:
                ledger.failures.append(("close", closed["message"]))
            elif "error" in closed["body"]:
                ledger.failures.append(("result", closed["body"]["error"]))
            else:
                ledger.result(closed["body"])
    except Disconnected:
        ledger.disconnects.append(stage)
