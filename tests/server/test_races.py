# test_races.py — terminate racing traffic over the wire: several connections sending while
# another terminates (every send answered with a result or an error; accepted = completed +
# failed; successful sends = completed), clients dropping mid-pipe during a terminate, and
# concurrent terminates of one token (exactly one wins).
import asyncio

from send_ledger import SendLedger, send_until_refused
from server_case import COMPLETED, ServerTestCase, short_status, terminated_message

SENDER_CONNECTIONS = 4
SENDERS_PER_CONNECTION = 4
RESULTS_BEFORE_TERMINATE = 60


class RaceTests(ServerTestCase):

    async def test_sends_racing_a_terminate_are_all_answered_and_the_counts_balance(self):
        owner = await self.client()
        token, _ = await self.running_echo_task(owner, "race")
        ledger = SendLedger(RESULTS_BEFORE_TERMINATE)
        senders = []
        for connection in range(SENDER_CONNECTIONS):
            client = await self.client()
            senders += [asyncio.ensure_future(send_until_refused(client, token, ledger,
                                                                 f"c{connection}s{worker}"))
                        for worker in range(SENDERS_PER_CONNECTION)]
        await asyncio.wait_for(ledger.enough.wait(), 30)
        final = await owner.terminate(token)
        await asyncio.wait_for(asyncio.gather(*senders), 30)

        self.assertEqual(final["state"], COMPLETED, short_status(final))
        self.assert_counts_balance(final)
        self.assertEqual(final["totalCount"], ledger.opened, "accepted = pipes opened")
        self.assertEqual(final["completedCount"], len(ledger.results), "completed = results")
        refusals = ledger.refusals()
        self.assertEqual(len(refusals), SENDER_CONNECTIONS * SENDERS_PER_CONNECTION)
        self.assertEqual(set(refusals), {terminated_message(token)})
        for result in ledger.results:
            self.assertEqual(result.get("result_types"), {"text": "text"}, result)
            self.assertEqual(len(result.get("text", [])), 1, result)
            self.assertTrue(result["text"][0].endswith("\n\n"), result)
        self.assertEqual(ledger.disconnects, [])
        status = await owner.status(token)
        self.assertEqual((status["totalCount"], status["completedCount"], status["failedCount"]),
                         (final["totalCount"], final["completedCount"], final["failedCount"]))

    async def test_clients_dropping_mid_pipe_during_terminate_leave_no_object_unaccounted(self):
        owner = await self.client()
        token, _ = await self.running_echo_task(owner, "drop")
        droppers = [await self.client() for _ in range(6)]
        opened = 0
        for client in droppers:
            for _ in range(3):
                pipe = await client.pipe(token, "text/plain")
                await pipe.write("partial")
                opened += 1
        for client in droppers[:3]:
            client.abort()
        terminate = asyncio.ensure_future(owner.terminate(token))
        for client in droppers[3:]:
            client.abort()
        final = await asyncio.wait_for(terminate, 60)
        self.assert_counts_balance(final)
        self.assertEqual(final["totalCount"], opened)
        self.assertEqual(final["inFlight"], 0)

    async def test_concurrent_terminates_of_one_token_exactly_one_succeeds(self):
        owner = await self.client()
        token, _ = await self.running_echo_task(owner, "terms")
        await owner.send(token, "something to drain", "text/plain")
        clients = [await self.client() for _ in range(6)]
        responses = await asyncio.gather(*(client.request("terminate", {"token": token},
                                                          timeout=60) for client in clients))
        winners = [response for response in responses if response["success"]]
        self.assertEqual(len(winners), 1, [response.get("message") for response in responses])
        self.assertEqual(winners[0]["body"]["state"], COMPLETED)
        losers = {response["message"] for response in responses if not response["success"]}
        self.assertEqual(losers, {terminated_message(token)})

    async def test_http_delete_racing_websocket_sends_balances(self):
        owner = await self.client()
        token, _ = await self.running_echo_task(owner, "rest-race")
        ledger = SendLedger(RESULTS_BEFORE_TERMINATE)
        client = await self.client()
        senders = [asyncio.ensure_future(send_until_refused(client, token, ledger, f"w{worker}"))
                   for worker in range(4)]
        await asyncio.wait_for(ledger.enough.wait(), 30)
        reply = await asyncio.to_thread(self.http, "DELETE", "/task", query={"token": token})
        self.assertEqual(reply.status, 200, reply)
        await asyncio.wait_for(asyncio.gather(*senders), 30)
        final = reply.json["data"]
        self.assert_counts_balance(final)
        self.assertEqual(final["totalCount"], ledger.opened)
        self.assertEqual(final["completedCount"], len(ledger.results))

