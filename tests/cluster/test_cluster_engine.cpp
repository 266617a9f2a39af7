// test_cluster_engine.cpp — the embedders' ClusterEngine against a live cluster, run by
// test_serve_nats.py with SLUICE_NATS_URL set (its nats-server and two workers): the calls of
// sluice::Engine, their results and their error types. Without SLUICE_NATS_URL it only checks
// the offline parts (result_from_json, an unreachable URL).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <sluice/cluster.hpp>
#include <sluice/errors.hpp>

namespace {

const char* k_echo = R"({"source":"webhook_1","components":[
  {"id":"webhook_1","provider":"webhook","config":{}},
  {"id":"response_1","provider":"response","config":{"lanes":[]},
   "input":[{"lane":"text","from":"webhook_1"}]}]})";

std::string nats_url() {
    const char* url = std::getenv("SLUICE_NATS_URL");
    return url ? url : "";
}

}  // namespace

TEST_CASE("result_from_json reads back what to_json wrote, binary lanes included") {
    sluice::Result r;
    r.name = "n";
    r.object_id = "id";
    r.fields.push_back({"text", sluice::Lane::text, {"hello\n", "second"}});
    r.fields.push_back({"image", sluice::Lane::image, {std::string("\0\x01\xff\x10z", 5)}});
    r.warnings = {"w"};
    const sluice::Result back = sluice::result_from_json(sluice::to_json(r));
    CHECK(back.name == "n");
    CHECK(back.object_id == "id");
    REQUIRE(back.fields.size() == 2);
    CHECK(back.fields[0].values == std::vector<std::string>{"hello\n", "second"});
    CHECK(back.fields[1].lane == sluice::Lane::image);
    CHECK(back.fields[1].values.at(0) == std::string("\0\x01\xff\x10z", 5));
    CHECK(back.warnings == std::vector<std::string>{"w"});
    CHECK_THROWS_WITH_AS(sluice::result_from_json(R"({"result_types":{"k":"image"},"k":["@@"]})"),
                         "result key \"k\": base64 of length 2, not a multiple of 4",
                         sluice::Error);
}

TEST_CASE("an unreachable NATS URL is a ClusterError naming it") {
    CHECK_THROWS_AS(sluice::ClusterEngine({.nats_urls = "nats://127.0.0.1:1"}),
                    sluice::ClusterError);
}

TEST_CASE("ClusterEngine: use, send, send_async, status and terminate as Engine's") {
    const std::string url = nats_url();
    if (url.empty()) return;  // offline run
    sluice::ClusterEngine engine({.nats_urls = url, .client_name = "test-cluster-engine"});
    const sluice::Token token = engine.use(k_echo);
    CHECK_FALSE(token.empty());

    const sluice::Result one = engine.send(token, "hello", "text/plain", {.name = "greeting"});
    CHECK(one.ok());
    CHECK(one.name == "greeting");
    REQUIRE(one.field("text") != nullptr);
    CHECK(one.field("text")->values == std::vector<std::string>{"hello\n\n"});

    std::vector<std::future<sluice::Result>> waiting;
    for (int i = 0; i < 200; ++i)
        waiting.push_back(engine.send_async(token, fmt::format("o{}", i)));
    int ok = 0;
    for (int i = 0; i < 200; ++i) {
        const sluice::Result r = waiting[i].get();
        ok +=
            r.ok() && r.field("text") && r.field("text")->values.at(0) == fmt::format("o{}\n\n", i);
    }
    CHECK(ok == 200);

    std::promise<sluice::Result> by_callback;
    engine.send_async(token, "cb", "text/plain", {},
                      [&](sluice::Result r) { by_callback.set_value(std::move(r)); });
    CHECK(by_callback.get_future().get().ok());

    const sluice::TaskStatus live = engine.status(token);
    CHECK(live.state == sluice::TaskState::Running);
    CHECK(live.accepted == 202);

    const sluice::TaskStatus final_status = engine.terminate(token).get();
    CHECK(final_status.state == sluice::TaskState::Terminated);
    CHECK(final_status.accepted == 202);
    CHECK(final_status.completed == 202);
    CHECK(final_status.failed == 0);

    CHECK_THROWS_AS(engine.send(token, "late"), sluice::TaskTerminated);
    CHECK_THROWS_AS(engine.terminate(token), sluice::TaskTerminated);
    CHECK_THROWS_AS(engine.use(k_echo, {.token = token.str()}), sluice::TaskTerminated);
    CHECK_THROWS_AS(engine.send(sluice::Token("never-used-token"), "x"), sluice::UnknownToken);
    CHECK_THROWS_AS(engine.use(R"({"components":[]})"), sluice::InvalidPipeline);
    CHECK_THROWS_AS(engine.use("{not json"), sluice::JsonError);

    const sluice::Token named = engine.use(k_echo, {.token = token.str() + "-b"});
    CHECK_THROWS_AS(engine.use(k_echo, {.token = named.str()}), sluice::AlreadyRunning);
    CHECK(engine.use(k_echo, {.token = named.str(), .use_existing = true}) == named);
    engine.terminate(named).get();
}
