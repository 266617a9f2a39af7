// test_status_json.cpp — a TaskStatus as JSON, and the names of task states.
#include <doctest/doctest.h>

#include <sluice/json.hpp>
#include <sluice/status.hpp>

using namespace std::chrono_literals;
using sluice::TaskState;
using sluice::TaskStatus;

namespace {

TaskStatus sample_status() {
    TaskStatus status;
    status.token = "tk_1";
    status.task_id = 7;
    status.name = "echo";
    status.project_id = "6744c740-0cdb-4667-b471-6c31d17d92d2";
    status.source = "in";
    status.accepted = 5;
    status.completed = 3;
    status.failed = 1;
    status.in_flight = 1;
    status.bytes_in = 100;
    status.bytes_out = 80;
    status.started = std::chrono::system_clock::time_point(1700000000500ms);
    status.ended = std::chrono::system_clock::time_point(1700000002250ms);
    status.drain_duration = 1500ms;
    status.last_error = "bad \"input\"";
    status.nodes.push_back({"in", "webhook", 5, 5, 0, 250ms});
    status.nodes.push_back({"out", "response", 5, 0, 1, 2s});
    return status;
}

}  // namespace

TEST_SUITE("status_json") {

TEST_CASE("task states have lowercase names") {
    CHECK(sluice::to_string(TaskState::Running) == "running");
    CHECK(sluice::to_string(TaskState::Draining) == "draining");
    CHECK(sluice::to_string(TaskState::Terminated) == "terminated");
    CHECK(sluice::to_string(TaskState::Cancelled) == "cancelled");
    CHECK(sluice::to_string(TaskState::Failed) == "failed");
}

TEST_CASE("a dead task's status carries every counter, its times in Unix seconds and its nodes") {
    TaskStatus status = sample_status();
    status.state = TaskState::Terminated;
    CHECK(sluice::to_json(status) ==
          R"({"token":"tk_1","taskId":7,"name":"echo",)"
          R"("project_id":"6744c740-0cdb-4667-b471-6c31d17d92d2","source":"in",)"
          R"("state":"terminated","accepted":5,"completed":3,"failed":1,"inFlight":1,)"
          R"("bytesIn":100,"bytesOut":80,"wordsCount":0,"wordsSize":0,)"
              R"("startTime":1700000000.5,"endTime":1700000002.25,)"
          R"("drainSeconds":1.5,"lastError":"bad \"input\"","warnings":[],"nodes":[)"
          R"({"id":"in","provider":"webhook","itemsIn":5,"itemsOut":5,"errors":0,)"
          R"("busySeconds":0.25},)"
          R"({"id":"out","provider":"response","itemsIn":5,"itemsOut":0,"errors":1,)"
          R"("busySeconds":2.0}]})");
}

TEST_CASE("a live task reports endTime 0 whatever its end time field holds") {
    TaskStatus status = sample_status();
    for (TaskState state : {TaskState::Running, TaskState::Draining}) {
        status.state = state;
        sluice::Json json = sluice::Json::parse(sluice::to_json(status));
        CHECK(json.get_double("endTime", -1) == 0.0);
        CHECK(json.get_string("state") == sluice::to_string(state));
    }
    status.state = TaskState::Cancelled;
    CHECK(sluice::Json::parse(sluice::to_json(status)).get_double("endTime", -1) == 1700000002.25);
}

TEST_CASE("a status without nodes has an empty nodes list") {
    TaskStatus status;
    sluice::Json json = sluice::Json::parse(sluice::to_json(status));
    CHECK(json.find("nodes")->as_array().empty());
    CHECK(json.get_string("state") == "running");
    CHECK(json.get_double("startTime", -1) == 0.0);
}

}  // TEST_SUITE
