// hash: SHA-256 and xxHash fingerprints into metadata and a text line.
#include "nodes/node_harness.hpp"

using namespace sluice;
using namespace sluice::test;

namespace {
constexpr const char* k_sha_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* k_sha_empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("hash writes the SHA-256 and XXH3 of the data as a text line and metadata") {
    Result r = run_node(node_pipeline("hash", "{}", "tags", {"text"}, true), "abc", "application/octet-stream");
    CHECK(text_of(r) == fmt::format("sha256={} xxh3=78af5f94892f3950\n\n", k_sha_abc));
    const Json meta = Json::parse(values_of(r, "meta").at(0));
    CHECK(meta.get_string("sha256") == k_sha_abc);
    CHECK(meta.get_string("xxh3") == "78af5f94892f3950");
}

TEST_CASE("hash can use XXH64 alone and pass the item on with its metadata") {
    Result r = run_node(node_pipeline("hash", R"({"algorithms": ["xxh64"], "passthrough": true})",
                                      "tags", {"tags", "text"}, true),
                        "abc", "application/octet-stream");
    CHECK(text_of(r) == "xxh64=44bc2cf5ad770999\n\n");
    CHECK(values_of(r, "tags") == std::vector<std::string>{"abc"});
    CHECK(values_of(r, "meta") == std::vector<std::string>{R"({"xxh64":"44bc2cf5ad770999"})",
                                                          R"({"xxh64":"44bc2cf5ad770999"})"});
}

TEST_CASE("hash of empty data is the hash of nothing, and text input is hashed too") {
    CHECK(text_of(run_node(node_pipeline("hash", R"({"algorithms": ["sha256"]})"), "")) ==
          fmt::format("sha256={}\n\n", k_sha_empty));
    CHECK(text_of(run_node(node_pipeline("hash", R"({"algorithms": ["sha256"]})"), "abc")) ==
          fmt::format("sha256={}\n\n", k_sha_abc));
}

TEST_CASE("hash fingerprints a 10 MB object, invalid UTF-8 included") {
    std::string data = repeated("\xFF\xFEpayload\x00", 10'000'000);
    Result a = run_node(node_pipeline("hash", "{}", "tags", {"text"}), data, "application/octet-stream");
    data[5'000'000] ^= 1;
    Result b = run_node(node_pipeline("hash", "{}", "tags", {"text"}), data, "application/octet-stream");
    CHECK(text_of(a).size() == std::string("sha256= xxh3=\n\n").size() + 64 + 16);
    CHECK(text_of(a) != text_of(b));
}

TEST_CASE("hash config errors name the algorithm and the choices") {
    CHECK(use_error(node_pipeline("hash", R"({"algorithms": ["md5"]})")) ==
          "invalid pipeline: component \"node\": config \"algorithms\": unknown algorithm \"md5\"; "
          "use any of sha256, xxh3, xxh64");
    CHECK(use_error(node_pipeline("hash", R"({"algorithms": []})")) ==
          "invalid pipeline: component \"node\": config \"algorithms\" is empty; use any of "
          "sha256, xxh3, xxh64");
    CHECK(use_error(node_pipeline("hash", R"({"passthrough": "yes"})")) ==
          "invalid pipeline: component \"node\": config \"passthrough\" must be boolean, got string");
}

}  // TEST_SUITE
