// text_output: appends text to files under a directory, closed at drain, never outside it.
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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

// An engine whose nodes keep their files inside `root`.
EngineOptions rooted(const fs::path& root) {
    EngineOptions options;
    options.pipeline_limits.nodes.data_root = root;
    return options;
}

std::string rooted_use_error(const fs::path& root, const std::string& directory) {
    try {
        Engine engine(rooted(root));
        engine.use(node_pipeline("text_output", fmt::format(R"({{"directory": "{}"}})", directory),
                                 "text", {}));
    } catch (const InvalidPipeline& e) {
        return e.what();
    }
    return "";
}

std::string outside_message(const std::string& directory, const fs::path& root) {
    return fmt::format(
        "invalid pipeline: component \"node\": config \"directory\": \"{}\" leads "
        "outside the data root \"{}\"; give a path inside it (a relative path is "
        "taken from the root)",
        directory, fs::canonical(root).string());
}

}  // namespace

TEST_SUITE("nodes") {
    TEST_CASE("text_output appends each text to its file and closes it at drain") {
        TempDir dir;
        Engine engine;
        Token token =
            engine.use(node_pipeline("text_output", config_for(dir.path / "out"), "text", {}));
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
        Token token =
            engine.use(node_pipeline("text_output", config_for(dir.path / "out"), "text", {}));
        for (const char* name : {"../escape", "/etc/passwd", "link/x", "a/../../escape"}) {
            Result r = engine.send(token, "x", "text/plain", ObjectInfo{name, "", {}});
            CHECK(r.error == fmt::format("component \"node\" (text_output): file \"{}.txt\" "
                                         "escapes directory \"{}\"; object "
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
        Token token =
            engine.use(node_pipeline("text_output", config_for(dir.path, "all.log"), "text", {}));
        engine.send(token, big);
        engine.send(token, "tail");
        check_accounting(engine.terminate(token).get());
        CHECK(slurp(dir.path / "all.log") == big + "\ntail\n");
    }

    TEST_CASE("with a data root, text_output writes a relative directory inside it") {
        TempDir dir;
        fs::create_directories(dir.path / "root");
        Engine engine(rooted(dir.path / "root"));
        Token token =
            engine.use(node_pipeline("text_output", R"({"directory": "out/deep"})", "text", {}));
        CHECK(engine.send(token, "one", "text/plain", ObjectInfo{"a", "", {}}).ok());
        CHECK(engine.send(token, "two", "text/plain", ObjectInfo{"sub/b", "", {}}).ok());
        check_accounting(engine.terminate(token).get());
        CHECK(slurp(dir.path / "root" / "out" / "deep" / "a.txt") == "one\n");
        CHECK(slurp(dir.path / "root" / "out" / "deep" / "sub" / "b.txt") == "two\n");
    }

    TEST_CASE("with a data root, an absolute directory inside it is accepted") {
        TempDir dir;
        fs::create_directories(dir.path / "root");
        CHECK(rooted_use_error(dir.path / "root", (dir.path / "root" / "x").string()) == "");
        CHECK(rooted_use_error(dir.path / "root", (dir.path / "root").string() + "/") == "");
    }

    TEST_CASE("with a data root, its .sluice folder (the server's own state) is refused") {
        TempDir dir;
        fs::create_directories(dir.path / "root" / ".sluice" / "store");
        const fs::path root = dir.path / "root";
        const std::string state = (fs::canonical(root) / ".sluice").string();
        for (std::string directory : {std::string(".sluice"), std::string(".sluice/store/x"),
                                      std::string("a/../.sluice"), state + "/deployments"})
            CHECK(rooted_use_error(root, directory) ==
                  fmt::format("invalid pipeline: component \"node\": config \"directory\": "
                              "\"{}\" is inside \"{}\", where the server keeps its own state "
                              "(file store, deployments); give a path elsewhere in the data root",
                              directory, state));
        CHECK(rooted_use_error(root, ".sluice-not") == "");
    }

    TEST_CASE("with a data root, directories outside it fail use() naming the component and root") {
        TempDir dir;
        fs::create_directories(dir.path / "root");
        fs::create_directories(dir.path / "elsewhere");
        fs::create_symlink(dir.path / "elsewhere", dir.path / "root" / "link");
        fs::create_symlink(dir.path / "nowhere", dir.path / "root" / "dangling");
        const fs::path root = dir.path / "root";
        for (std::string directory :
             {std::string("/tmp"), std::string(".."), std::string("a/../../x"), std::string("link"),
              std::string("link/sub"), std::string("dangling/sub"),
              (dir.path / "elsewhere").string()})
            CHECK(rooted_use_error(root, directory) == outside_message(directory, root));
        CHECK_FALSE(fs::exists(dir.path / "nowhere"));
        CHECK(fs::is_empty(dir.path / "elsewhere"));
    }

    TEST_CASE(
        "with a data root given with a trailing slash and not yet created, inside is inside") {
        TempDir dir;
        fs::create_directories(dir.path);
        CHECK(rooted_use_error(dir.path.string() + "/later/", "out") == "");
    }

    TEST_CASE("text_output refuses a FIFO as its file at once, without waiting for a reader") {
        TempDir dir;
        fs::create_directories(dir.path / "root" / "out");
        const fs::path fifo = dir.path / "root" / "out" / "pipe.txt";
        REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
        for (bool with_root : {true, false}) {
            Engine engine(with_root ? rooted(dir.path / "root") : EngineOptions{});
            const std::string directory = with_root ? "out" : (dir.path / "root" / "out").string();
            Token token = engine.use(node_pipeline(
                "text_output", fmt::format(R"({{"directory": "{}"}})", directory), "text", {}));
            std::future<Result> sent =
                engine.send_async(token, "x", "text/plain", ObjectInfo{"pipe", "", {}});
            const bool answered =
                sent.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
            CHECK(answered);
            // A writer stuck in open(): give it a reader (kept open until the drain, so its write
            // cannot raise SIGPIPE), then fail.
            int reader = answered ? -1 : ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
            sent.wait();
            const fs::path shown = with_root ? fs::canonical(dir.path / "root") / "out" / "pipe.txt"
                                             : fs::path(directory) / "pipe.txt";
            CHECK(sent.get().error ==
                  fmt::format(
                      "component \"node\" (text_output): cannot open \"{}\" for appending: it "
                      "is not a regular file (a FIFO)",
                      shown.string()));
            check_accounting(engine.terminate(token).get());
            if (reader >= 0) ::close(reader);
        }
    }

    TEST_CASE("text_output needs a directory") {
        CHECK(
            use_error(node_pipeline("text_output", "{}", "text", {})) ==
            "invalid pipeline: component \"node\": config \"directory\" is required: the directory "
            "the files go into");
    }

}  // TEST_SUITE
