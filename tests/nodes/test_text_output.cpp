// text_output: appends text to files under a directory, closed at drain, never outside it.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() / fmt::format("sluice-text-output-{}", ::getpid());
        fs::remove_all(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string config_for(const fs::path& dir, std::string_view file = "{name}.txt") {
    return fmt::format(R"({{"directory": "{}", "file": "{}"}})", dir.string(), file);
}

}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("text_output appends each text to its file and closes it at drain") {
    TempDir dir;
    Engine engine;
    Token token = engine.use(node_pipeline("text_output", config_for(dir.path / "out"), "text", {}));
    CHECK(engine.send(token, "one", "text/plain", ObjectInfo{"a", "", {}}).ok());
    CHECK(engine.send(token, "two", "text/plain", ObjectInfo{"a", "", {}}).ok());
    CHECK(engine.send(token, "", "text/plain", ObjectInfo{"b", "", {}}).ok());
    CHECK(engine.send(token, "ünï", "text/plain", ObjectInfo{"sub/c", "", {}}).ok());
    check_accounting(engine.terminate(token).get());
    CHECK(slurp(dir.path / "out" / "a.txt") == "one\ntwo\n");
    CHECK(slurp(dir.path / "out" / "b.txt") == "\n");
    CHECK(slurp(dir.path / "out" / "sub" / "c.txt") == "ünï\n");
}

TEST_CASE("text_output refuses names that escape its directory") {
    TempDir dir;
    fs::create_directories(dir.path / "out");
    fs::create_symlink(dir.path, dir.path / "out" / "link");
    Engine engine;
    Token token = engine.use(node_pipeline("text_output", config_for(dir.path / "out"), "text", {}));
    for (const char* name : {"../escape", "/etc/passwd", "link/x", "a/../../escape"}) {
        Result r = engine.send(token, "x", "text/plain", ObjectInfo{name, "", {}});
        CHECK(r.error == fmt::format("component \"node\" (text_output): file \"{}.txt\" escapes directory \"{}\"; object "
                                     "names and the \"file\" template must stay inside it",
                                     name, (dir.path / "out").string()));
    }
    TaskStatus status = engine.terminate(token).get();
    check_accounting(status);
    CHECK(status.failed == 4);
    CHECK_FALSE(fs::exists(dir.path / "escape.txt"));
    CHECK_FALSE(fs::exists(dir.path / "x.txt"));
}

TEST_CASE("text_output writes a 10 MB text with invalid UTF-8 byte for byte") {
    TempDir dir;
    const std::string big = repeated("line \xFF\n", 10'000'000);
    Engine engine;
    Token token = engine.use(node_pipeline("text_output", config_for(dir.path, "all.log"), "text", {}));
    engine.send(token, big);
    engine.send(token, "tail");
    check_accounting(engine.terminate(token).get());
    CHECK(slurp(dir.path / "all.log") == big + "\ntail\n");
}

TEST_CASE("text_output needs a directory") {
    CHECK(use_error(node_pipeline("text_output", "{}", "text", {})) ==
          "invalid pipeline: component \"node\": config \"directory\" is required: the directory "
          "the files go into");
}

}  // TEST_SUITE
