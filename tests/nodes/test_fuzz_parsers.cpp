// Randomized inputs for the nodes that parse untrusted text (parse, json_extract, anonymize,
// splitter) for a few seconds: every object must complete or fail with the node's own message,
// and every text that comes out must be valid UTF-8. SLUICE_FUZZ_SECONDS (default 4, shared by
// the targets) and SLUICE_FUZZ_SEED reproduce a run.
#include <cstdlib>
#include <random>

#include "nodes/node_harness.hpp"
#include <sluice/utf8.hpp>

using namespace sluice;
using namespace sluice::test;

namespace {

struct Target {
    std::string pipeline;
    std::string mime;
    std::string alphabet;              // bytes the generator favours
    std::vector<std::string> seeds;    // well-formed inputs to mutate
    std::string error_prefix;          // what a failure must start with ("" = must not fail)
};

std::string generate(std::mt19937_64& rng, const Target& t) {
    std::uniform_int_distribution<int> pick(0, 99);
    std::string s;
    if (pick(rng) < 50) s = t.seeds[rng() % t.seeds.size()];
    const std::size_t edits = 1 + rng() % 24;
    for (std::size_t e = 0; e < edits; ++e) {
        const int kind = pick(rng);
        const std::size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
        const char c = pick(rng) < 85 ? t.alphabet[rng() % t.alphabet.size()]
                                      : static_cast<char>(rng() & 0xFF);  // any byte, UTF-8 or not
        if (kind < 60) s.insert(s.begin() + static_cast<std::ptrdiff_t>(at), c);
        else if (kind < 80 && !s.empty()) s.erase(std::min(at, s.size() - 1), 1 + rng() % 4);
        else if (kind < 90 && !s.empty()) s.insert(at, s.substr(rng() % s.size(), rng() % 64));
        else if (!s.empty()) s[std::min(at, s.size() - 1)] = c;
    }
    return s;
}

void check_result(const Result& r, const Target& t, const std::string& input) {
    INFO("input: ", fmt::format("{:?}", input));
    if (!r.ok()) {
        CHECK(!t.error_prefix.empty());
        CHECK(r.error.starts_with(t.error_prefix));
    }
    for (const ResultField& f : r.fields)
        for (const std::string& v : f.values) CHECK(first_invalid_utf8(v) == v.size());
}

std::size_t fuzz(const Target& t, std::chrono::milliseconds budget, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    Engine engine;
    Token token = engine.use(t.pipeline);
    std::size_t runs = 0;
    const auto until = std::chrono::steady_clock::now() + budget;
    while (std::chrono::steady_clock::now() < until) {
        const std::string input = generate(rng, t);
        check_result(engine.send(token, input, t.mime), t, input);
        ++runs;
    }
    check_accounting(engine.terminate(token).get());
    return runs;
}

std::vector<Target> targets() {
    return {
        {node_pipeline("parse", "{}", "tags", {"text", "table"}), "text/html", "<>/!-&;#x0123 abcdiptsyle\"'=\n",
         {"<p>a &amp; b</p><script>x</script>", "<!-- c --><div>t&#x41;</div>", "<a href='>'>x</a>"},
         ""},
        {node_pipeline("parse", "{}", "tags", {"text", "table"}), "text/csv", ",\"\n\r a;",
         {"a,b\n\"c,\"\"d\",e\r\n", "x\n\n,\"\""}, ""},
        {node_pipeline("parse", "{}", "tags", {"text", "table"}), "application/json",
         "{}[]\":,0123456789.eE+-truefalsn \\u", {R"({"a": [1, 2.5e3, "x\u00e9"], "b": {"c": null}})", "[true,false]"},
         "component \"node\" (parse): application/json "},
        {node_pipeline("json_extract", R"({"pointers": ["/a/0", "/b/c", ""], "output": "table"})", "text", {"table"}),
         "text/plain", "{}[]\":,0123456789.eE+-truefalsn \\u",
         {R"({"a": [1, 2], "b": {"c": "d"}})", R"([{"a": 1}])"}, "component \"node\" (json_extract): the text is not valid JSON"},
        {node_pipeline("anonymize", R"({"mask": "hash", "patterns": ["[a-z]+[0-9]+"]})"), "text/plain",
         "0123456789@.-+() :abcdefDEGB \xC3\xA9",
         {"mail ada@example.com card 4111 1111 1111 1111", "IBAN DE89 3704 0044 0532 0130 00 ip ::1 10.0.0.1",
          "call +1 415-555-0100 ssn 123-45-6789"},
         ""},
        {node_pipeline("splitter", R"({"strategy": "sentences", "chunk_size": 7, "chunk_overlap": 3})", "text", {"documents"}),
         "text/plain", "ab .!?\n#\xE3\x80\x82\xC3\xA9", {"One. Two! Three?\n\n# H\nbody", "ひとつ。ふたつ。"}, ""},
    };
}

}  // namespace

TEST_SUITE("nodes") {

TEST_CASE("randomized inputs never crash the parsing nodes nor produce invalid UTF-8") {
    const char* seconds = std::getenv("SLUICE_FUZZ_SECONDS");
    const char* seed_env = std::getenv("SLUICE_FUZZ_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : std::random_device{}();
    const auto all = targets();
    const auto budget = std::chrono::milliseconds(
        static_cast<long>((seconds ? std::atof(seconds) : 4.0) * 1000 / static_cast<double>(all.size())));
    MESSAGE("fuzz seed ", seed, " (SLUICE_FUZZ_SEED to repeat)");
    for (std::size_t i = 0; i < all.size(); ++i) {
        const std::size_t runs = fuzz(all[i], budget, seed + i);
        CHECK(runs > 10);
        MESSAGE("fuzz target ", i, " (", all[i].mime, "): ", runs, " inputs");
    }
}

}  // TEST_SUITE
