// The DAP envelope: reading requests (text and binary frames, malformed ones) and writing
// responses and events.
#include <doctest/doctest.h>

#include "dap.hpp"

using namespace sluice;
using namespace sluice::server;

TEST_SUITE("server") {

TEST_CASE("a text frame is read into seq, command and arguments") {
    DapRequest r = parse_request(
        R"({"type":"request","seq":7,"command":"rrext_ping","arguments":{"token":"T"}})", false);
    CHECK(r.error.empty());
    CHECK(r.seq == 7);
    CHECK(r.command == "rrext_ping");
    CHECK(token_argument(r.arguments) == "T");
    CHECK_FALSE(r.has_data);
}

TEST_CASE("a binary frame splits at the first newline: JSON header, then raw bytes") {
    std::string frame = R"({"type":"request","seq":3,"command":"rrext_process","arguments":{"pipe_id":1}})";
    frame += '\n';
    frame += std::string("a\nb\0c", 5);
    DapRequest r = parse_request(frame, true);
    CHECK(r.error.empty());
    CHECK(r.has_data);
    CHECK(r.data == std::string("a\nb\0c", 5));
    CHECK(r.arguments.get_int("pipe_id", 0) == 1);
}

TEST_CASE("a binary frame ending in a newline carries empty data; one without is plain JSON") {
    DapRequest empty = parse_request(std::string(R"({"seq":1,"command":"x"})") + "\n", true);
    CHECK(empty.error.empty());
    CHECK(empty.has_data);
    CHECK(empty.data.empty());
    DapRequest plain = parse_request(R"({"seq":1,"command":"x"})", true);
    CHECK(plain.error.empty());
    CHECK_FALSE(plain.has_data);
}

TEST_CASE("data given as a JSON string in a text frame is the request's data") {
    DapRequest r = parse_request(R"({"seq":1,"command":"x","arguments":{"data":"hi"}})", false);
    CHECK(r.has_data);
    CHECK(r.data == "hi");
}

TEST_CASE("a top-level token is used when arguments has none") {
    DapRequest r = parse_request(R"({"seq":1,"command":"x","token":"TOP"})", false);
    CHECK(token_argument(r.arguments) == "TOP");
}

TEST_CASE("malformed frames are reported with what could still be read") {
    DapRequest syntax = parse_request(R"({"seq":4,"command":)", false);
    CHECK(syntax.error.starts_with("malformed message: "));
    CHECK(syntax.seq == 4);  // salvaged from the text: the client still gets an answer
    DapRequest not_object = parse_request("[1,2]", false);
    CHECK(not_object.error == "malformed message: not a JSON object");
    DapRequest no_seq = parse_request(R"({"command":"x"})", false);
    CHECK(no_seq.error == "malformed message: \"seq\" must be an integer");
    DapRequest bad_args = parse_request(R"({"seq":9,"command":"x","arguments":[1]})", false);
    CHECK(bad_args.error == "malformed message: \"arguments\" must be an object");
    CHECK(bad_args.seq == 9);  // still answerable
    CHECK(bad_args.command == "x");
    DapRequest no_command = parse_request(R"({"seq":9,"command":""})", false);
    CHECK(no_command.error == "malformed message: \"command\" must be a non-empty string");
}

TEST_CASE("responses carry request_seq and either a body or a message") {
    CHECK(response_text(5, 2, "rrext_ping", Outcome::success(Json(Json::Object{{"pong", true}}))) ==
          R"({"type":"response","seq":5,"request_seq":2,"command":"rrext_ping","success":true,"body":{"pong":true}})");
    CHECK(response_text(6, 3, "terminate", Outcome::success()) ==
          R"({"type":"response","seq":6,"request_seq":3,"command":"terminate","success":true})");
    CHECK(response_text(7, 4, "x\"y", Outcome::fail(Failure::bad_request, "Invalid command: x\"y")) ==
          R"({"type":"response","seq":7,"request_seq":4,"command":"x\"y","success":false,"message":"Invalid command: x\"y"})");
    CHECK(response_text(8, 5, "rrext_process", Outcome::success_text(R"({"name":"n"})")) ==
          R"({"type":"response","seq":8,"request_seq":5,"command":"rrext_process","success":true,"body":{"name":"n"}})");
}

TEST_CASE("events carry the event name, the body and an optional id") {
    CHECK(event_text(1, "apaevt_task", Json(Json::Object{{"action", "end"}}), "abc.src") ==
          R"({"type":"event","seq":1,"event":"apaevt_task","body":{"action":"end"},"id":"abc.src"})");
    CHECK(event_text(2, "apaevt_status_update", Json(Json::Object{})) ==
          R"({"type":"event","seq":2,"event":"apaevt_status_update","body":{}})");
}

}  // TEST_SUITE

TEST_SUITE("server") {

TEST_CASE("a request whose JSON breaks after its seq is still answered on that seq") {
    DapRequest r = parse_request(R"({"type":"request","seq":42,"command":"x","arguments":{"a":"\ud800"}})", false);
    CHECK(r.error.starts_with("malformed message: "));
    CHECK(r.seq == 42);
    CHECK(parse_request(R"({"seq" : 7, "command": })", false).seq == 7);
    CHECK(parse_request(R"({"command": "x", "seq": "7", })", false).seq == 0);
}

}  // TEST_SUITE
