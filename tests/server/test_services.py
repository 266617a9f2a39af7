# test_services.py — rrext_services: every provider of the node registry described in
# RocketRide's services.json shape; one service by name (or "name://", any case); an unknown
# one refused naming it.
from dap_client import DapError
from server_case import ServerTestCase

DEFINITION_KEYS = {"title", "protocol", "prefix", "classType", "capabilities", "description",
                   "lanes", "input", "schema", "fields", "shape"}
LANES = {"tags", "text", "documents", "questions", "answers", "table", "image", "audio",
         "video", "classifications", "classificationContext", "words"}


class TestServices(ServerTestCase):
    async def test_every_provider_has_rocketride_s_fields(self):
        client = await self.client()
        body = await client.call("rrext_services")
        self.assertIsInstance(body["version"], int)
        services = body["services"]
        for name in ("webhook", "response", "dedupe", "delay", "text_output", "parse"):
            self.assertIn(name, services)
        for name, service in services.items():
            with self.subTest(service=name):
                self.assertEqual(DEFINITION_KEYS - set(service), set())
                self.assertEqual(service["protocol"], f"{name}://")
                self.assertIsInstance(service["title"], str)
                self.assertTrue(service["title"])
                self.assertNotIn(" ", service["prefix"])
                self.assertIn(service["classType"], (["source"], ["filter"], ["target"]))
                self.assertIsInstance(service["capabilities"], list)
                self.assertTrue(service["description"])
                for lane, outputs in service["lanes"].items():
                    self.assertIn(lane, LANES | {"_source"})
                    self.assertLessEqual(set(outputs), LANES)
                self.assertEqual([entry["lane"] for entry in service["input"]],
                                 list(service["lanes"]))
                schema = service["schema"]
                self.assertEqual(schema["type"], "object")
                self.assertEqual(set(schema["properties"]), set(service["fields"]))
                self.assertEqual(service["shape"][0]["properties"], list(schema["properties"]))

    async def test_definitions_are_derived_from_the_node_info(self):
        client = await self.client()
        services = (await client.call("rrext_services"))["services"]
        webhook = services["webhook"]
        self.assertEqual(webhook["classType"], ["source"])
        self.assertIn("_source", webhook["lanes"])
        self.assertIn("text", webhook["lanes"]["_source"])
        self.assertEqual(services["response"]["classType"], ["target"])
        self.assertEqual(services["response"]["lanes"]["text"], [])
        dedupe = services["dedupe"]
        self.assertEqual(dedupe["classType"], ["filter"])
        self.assertEqual(dedupe["title"], "Dedupe")
        self.assertEqual(dedupe["schema"]["properties"]["max_entries"]["type"], "integer")
        self.assertIn("concurrent", dedupe["capabilities"])
        delay = services["delay"]
        self.assertIn("blocking", delay["capabilities"])
        self.assertEqual(services["text_output"]["title"], "Text Output")
        self.assertEqual(services["text_output"]["prefix"], "TextOutput")

    async def test_one_service_by_name_or_protocol_in_any_case(self):
        client = await self.client()
        everything = (await client.call("rrext_services"))["services"]
        for asked in ("dedupe", "DEDUPE", "dedupe://"):
            with self.subTest(asked=asked):
                single = await client.call("rrext_services", {"service": asked})
                self.assertEqual(single, everything["dedupe"])

    async def test_an_unknown_service_is_refused_naming_it(self):
        client = await self.client()
        with self.assertRaises(DapError) as caught:
            await client.call("rrext_services", {"service": "nonexistent_service_xyz"})
        message = str(caught.exception)
        self.assertTrue(message.startswith("Service 'nonexistent_service_xyz' not found. "
                                           "Known services: "), message)
        self.assertIn("dedupe", message)
        with self.assertRaises(DapError) as caught:
            await client.call("rrext_services", {"service": 3})
        self.assertEqual(str(caught.exception), "argument \"service\" must be a string")
