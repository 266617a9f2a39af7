// Sending objects through pipelines: results, lanes, streaming pipes, counters.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "support/checks.hpp"
#include "support/test_nodes.hpp"

using namespace sluice;
using namespace sluice::test;

TEST_SUITE("engine") {

TEST_CASE("send through the echo pipeline returns the text plus a blank line") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Result r = engine.send(tok, "hello", "text/plain", ObjectInfo{"greeting.txt", "in/", {}});
    CHECK(r.ok());
    CHECK(r.name == "greeting.txt");
    CHECK(r.path == "in/");
    CHECK(is_uuid(r.object_id));
    REQUIRE(r.fields.size() == 1);
    CHECK(r.fields[0].key == "text");
    CHECK(r.fields[0].lane == Lane::text);
    CHECK(text_of(r) == "hello\n\n");
    check_accounting(engine.terminate(tok).get());
}

TEST_CASE("an object without a name is named by its fresh UUID object id") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Result a = engine.send(tok, "x");
    Result b = engine.send(tok, "x");
    CHECK(is_uuid(a.object_id));
    CHECK(a.object_id != b.object_id);
    CHECK(a.name.empty());  // none was given
    CHECK(a.display_name() == a.object_id);
    const std::string json = to_json(a);
    CHECK(json.find(fmt::format(R"("name":"{0}","path":"","objectId":"{0}")", a.object_id)) !=
          std::string::npos);
    // Read back, the name written from the id is again no name.
    CHECK(result_from_json(json).name.empty());
    CHECK(result_from_json(json).display_name() == a.object_id);
}

TEST_CASE("binary data travels on tags, which the echo pipeline does not collect") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Result r = engine.send(tok, std::string("\x00\x01\x02", 3), "application/octet-stream");
    CHECK(r.ok());
    CHECK(r.fields.empty());
    CHECK(engine.status(tok).bytes_in == 3);
}

TEST_CASE("lane/<name> MIME types put the object on that lane") {
    Engine engine;
    Token tok = engine.use(R"({"components": [
      {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
      {"id": "out", "provider": "response", "config": {},
       "input": [{"lane": "documents", "from": "in"}, {"lane": "text", "from": "in"}]}]})");
    Result r = engine.send(tok, R"([{"page_content": "p"}])", "lane/documents");
    REQUIRE(r.field("documents") != nullptr);
    CHECK(r.field("documents")->values == std::vector<std::string>{R"([{"page_content": "p"}])"});
    CHECK(r.field("text") == nullptr);
}

TEST_CASE("nodes in a chain transform text in order") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(chain_pipeline({"test_upper", "test_upper"}));
    CHECK(text_of(engine.send(tok, "abc")) == "ABC\n\n");
    TaskStatus s = engine.terminate(tok).get();
    REQUIRE(s.nodes.size() == 4);
    CHECK(s.nodes[0].id == "in");
    CHECK(s.nodes[1].items_in == 1);
    CHECK(s.nodes[1].items_out == 1);
    CHECK(s.nodes[3].id == "out");
}

TEST_CASE("fan-out sends every item to each consumer and fan-in collects both") {
    register_test_nodes();
    Engine engine;
    Token tok = engine.use(R"({"components": [
      {"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
      {"id": "up", "provider": "test_upper", "input": [{"lane": "text", "from": "in"}]},
      {"id": "same", "provider": "test_probe", "input": [{"lane": "text", "from": "in"}]},
      {"id": "out", "provider": "response",
       "config": {"lanes": [{"laneId": "text", "laneName": "both"}]},
       "input": [{"lane": "text", "from": "up"}, {"lane": "text", "from": "same"}]}]})");
    for (int i = 0; i < 50; ++i) {
        Result r = engine.send(tok, "ab");
        std::string both = text_of(r, "both");
        CHECK((both == "AB\n\nab\n\n" || both == "ab\n\nAB\n\n"));
    }
    check_accounting(engine.terminate(tok).get());
}

TEST_CASE("response_<lane> with laneName renames the result key") {
    Engine engine;
    Token tok = engine.use(R"({"source": "in", "components": [
      {"id": "in", "provider": "webhook"},
      {"id": "out", "provider": "response_text", "config": {"laneName": "answer"},
       "input": [{"lane": "text", "from": "in"}]}]})");
    Result r = engine.send(tok, "hi");
    CHECK(text_of(r, "answer") == "hi\n\n");
    CHECK(r.field("text") == nullptr);
}

TEST_CASE("send_async results arrive for every object") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    std::vector<std::future<Result>> futures;
    for (int i = 0; i < 1000; ++i) futures.push_back(engine.send_async(tok, std::to_string(i)));
    for (int i = 0; i < 1000; ++i) CHECK(text_of(futures[i].get()) == std::to_string(i) + "\n\n");
    TaskStatus s = engine.terminate(tok).get();
    CHECK(s.accepted == 1000);
    CHECK(s.completed == 1000);
    check_accounting(s);
}

TEST_CASE("a pipe streams one object in chunks, each ending with a blank line") {
    Engine engine;
    Token tok = engine.use(k_echo_pipeline);
    Pipe pipe = engine.open_pipe(tok, ObjectInfo{"stream", "", {}}, "text/plain");
    for (const char* chunk : {"a", "b", "c", "d"}) pipe.write(chunk);
    Result r = pipe.close();
    CHECK(r.name == "stream");
    const ResultField* f = r.field("text");
    REQUIRE(f != nullptr);
    REQUIRE(f->values.size() == 1);
    // Chunks may be processed in any order by an unlimited sink: compare as a multiset.
    std::string v = f->values[0];
    CHECK(v.size() == 12);
    for (const char* c : {"a\n\n", "b\n\n", "c\n\n", "d\n\n"}) CHECK(v.find(c) != std::string::npos);
    CHECK_THROWS_AS(pipe.write("late"), UsageError);
    TaskStatus s = engine.terminate(tok).get();
    CHECK(s.accepted == 1);
    CHECK(s.bytes_in == 4);
}

TEST_CASE("status counts bytes in and out and reports the pipeline identity") {
    Engine engine;
    Token tok = engine.use(R"({"pipeline": {"project_id": "p-1", "name": "echo",
      "components": [{"id": "in", "provider": "webhook", "config": {"mode": "Source"}},
                     {"id": "out", "provider": "response", "input": [{"lane": "text", "from": "in"}]}]}})");
    engine.send(tok, "12345");
    TaskStatus s = engine.status(tok);
    CHECK(s.state == TaskState::Running);
    CHECK(s.project_id == "p-1");
    CHECK(s.name == "echo");
    CHECK(s.source == "in");
    CHECK(s.bytes_in == 5);
    CHECK(s.bytes_out == 7);  // "12345\n\n"
    CHECK(s.completed == 1);
}

}  // TEST_SUITE
