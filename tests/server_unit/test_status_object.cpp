// The task status in RocketRide's TASK_STATUS shape: every key the clients read, numeric states.
#include <doctest/doctest.h>

#include "status_object.hpp"

using namespace sluice;
using namespace sluice::server;

TEST_SUITE("server") {

TEST_CASE("the status object has every TASK_STATUS key") {
    TaskStatus s;
    s.token = "tok";
    s.project_id = "p";
    s.source = "src";
    s.accepted = 5;
    s.completed = 4;
    s.failed = 1;
    Json o = status_object(s);
    for (const char* key :
         {"name", "project_id", "source", "completed", "state", "startTime", "endTime",
          "debuggerAttached", "status", "warnings", "errors", "currentObject", "currentSize",
          "notes", "totalSize", "totalCount", "completedSize", "completedCount", "failedSize",
          "failedCount", "wordsSize", "wordsCount", "rateSize", "rateCount", "serviceUp",
          "exitCode", "exitMessage", "pipeflow", "metrics", "tokens"}) {
        INFO(key);
        CHECK(o.find(key) != nullptr);
    }
    CHECK(o.find("name")->as_string() == "tok");
    CHECK(o.find("totalCount")->as_int() == 5);
    CHECK(o.find("completedCount")->as_int() == 4);
    CHECK(o.find("failedCount")->as_int() == 1);
    CHECK(o.find("errors")->as_array().empty());
    CHECK(o.find("pipeflow")->find("totalPipes") != nullptr);
    CHECK(o.find("pipeflow")->find("byPipe")->is_object());
}

TEST_CASE("states map to RocketRide's numbers; a dead task is completed") {
    TaskStatus s;
    CHECK(status_object(s).find("state")->as_int() == 3);
    CHECK_FALSE(status_object(s).find("completed")->as_bool());
    CHECK(status_object(s).find("serviceUp")->as_bool());
    s.state = TaskState::Draining;
    CHECK(status_object(s).find("state")->as_int() == 4);
    s.state = TaskState::Terminated;
    CHECK(status_object(s).find("state")->as_int() == 5);
    CHECK(status_object(s).find("completed")->as_bool());
    CHECK(status_object(s).find("exitCode")->as_int() == 0);
    s.state = TaskState::Cancelled;
    s.last_error = "drain deadline passed";
    Json cancelled = status_object(s);
    CHECK(cancelled.find("state")->as_int() == 6);
    CHECK(cancelled.find("exitCode")->as_int() == 1);
    CHECK(cancelled.find("exitMessage")->as_string() == "drain deadline passed");
    CHECK(cancelled.find("errors")->as_array().size() == 1);
}

TEST_CASE("the idle status says nothing runs for that project and source") {
    Json idle = idle_status_object("proj", "src");
    CHECK(idle.find("state")->as_int() == 0);
    CHECK(idle.find("status")->as_string() == "Not running");
    CHECK(idle.find("project_id")->as_string() == "proj");
    CHECK(idle.find("source")->as_string() == "src");
}

}  // TEST_SUITE
