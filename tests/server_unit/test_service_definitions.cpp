// rrext_services for a node registered at run time: the same RocketRide shape as a built-in's.
#include <memory>

#include <doctest/doctest.h>

#include <sluice/node.hpp>

#include "service_definitions.hpp"

using namespace sluice;
using namespace sluice::server;

namespace {

class Passing final : public Node {
public:
    void process(Item item, Emitter& out) override { out.emit(std::move(item)); }
};

}  // namespace

TEST_SUITE("server") {
    TEST_CASE("a registered node is described like a built-in one") {
        NodeInfo info;
        info.description = "a node the unit test registers";
        info.lanes = {{Lane::text, {Lane::documents, Lane::text}}, {Lane::table, {}}};
        info.config = {{"threshold", ConfigType::number, "how sure", true},
                       {"label_name", ConfigType::string, "what to call it"},
                       {"anything", ConfigType::any, "free form"}};
        register_node("unit-test_custom", info,
                      [](const NodeContext&) { return std::make_unique<Passing>(); });
        Outcome o = service_definitions(Json(Json::Object{{"service", "Unit-Test_Custom://"}}));
        INFO(o.message);
        REQUIRE(o.ok());
        const Json& s = o.body;
        CHECK(s.get_string("title") == "Unit Test Custom");
        CHECK(s.get_string("protocol") == "unit-test_custom://");
        CHECK(s.get_string("prefix") == "UnitTestCustom");
        CHECK(s.find("classType")->dump() == R"(["filter"])");
        CHECK(s.find("capabilities")->dump() == "[]");
        CHECK(s.get_string("description") == "a node the unit test registers");
        CHECK(s.find("lanes")->dump() == R"({"text":["documents","text"],"table":[]})");
        CHECK(s.find("input")->dump() ==
              R"([{"lane":"text","output":[{"lane":"documents"},{"lane":"text"}]},)"
              R"({"lane":"table","output":[]}])");
        CHECK(s.find("schema")->dump() ==
              R"({"type":"object","properties":{"threshold":{"description":"how sure","type":)"
              R"("number"},"label_name":{"description":"what to call it","type":"string"},)"
              R"("anything":{"description":"free form"}},"required":["threshold"],)"
              R"("additionalProperties":true})");
        CHECK(s.find("fields")->find("label_name")->get_string("title") == "Label Name");
        CHECK(s.find("shape")->dump() ==
              R"([{"section":"Pipe","title":"Unit Test Custom","properties":["threshold",)"
              R"("label_name","anything"]}])");

        Outcome all = service_definitions(Json(Json::Object{}));
        REQUIRE(all.ok());
        CHECK(all.body.find("services")->find("unit-test_custom") != nullptr);
        CHECK(all.body.find("version")->as_int() == 1);
    }

    TEST_CASE("an unknown service is not found, naming it and the known ones") {
        Outcome o = service_definitions(Json(Json::Object{{"service", "nope"}}));
        CHECK(o.failure == Failure::not_found);
        CHECK(o.message.starts_with("Service 'nope' not found. Known services: "));
        CHECK(o.message.find("webhook") != std::string::npos);
    }

}  // TEST_SUITE
