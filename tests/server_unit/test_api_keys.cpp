// API keys: where they come from, how credentials are compared, what a generated key looks like.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include "api_keys.hpp"

using namespace sluice;
using namespace sluice::server;

TEST_SUITE("server") {

TEST_CASE("keys come from a comma-separated list, spaces and empty entries ignored") {
    ApiKeys keys = ApiKeys::load(" k1, ,k2 ,", std::nullopt);
    CHECK(keys.size() == 2);
    CHECK(keys.accepts("k1"));
    CHECK(keys.accepts("k2"));
    CHECK_FALSE(keys.accepts("k3"));
    CHECK_FALSE(keys.accepts("k"));
    CHECK_FALSE(keys.accepts(""));
}

TEST_CASE("a Bearer scheme is stripped, in any case") {
    ApiKeys keys = ApiKeys::load("secret", std::nullopt);
    CHECK(keys.accepts("Bearer secret"));
    CHECK(keys.accepts("bearer   secret "));
    CHECK_FALSE(keys.accepts("Bearer"));
    CHECK(strip_bearer("BEARER x") == "x");
}

TEST_CASE("a key file holds one key per line; comments and blank lines are skipped") {
    auto path = std::filesystem::temp_directory_path() / "sluice-test-keys.txt";
    {
        std::ofstream out(path);
        out << "# keys\n\n  from-file  \n";
    }
    ApiKeys keys = ApiKeys::load("from-env", path);
    CHECK(keys.size() == 2);
    CHECK(keys.accepts("from-file"));
    {
        std::ofstream out(path);
        out << "# nothing\n";
    }
    CHECK_THROWS_WITH_AS(ApiKeys::load("", path),
                         ("--api-key-file " + path.string() + ": holds no key (one per line)").c_str(),
                         UsageError);
    std::filesystem::remove(path);
    CHECK_THROWS_WITH_AS(ApiKeys::load("", path),
                         ("--api-key-file " + path.string() + ": cannot be read").c_str(), UsageError);
}

TEST_CASE("a generated key is random, 35 characters, and accepted") {
    ApiKeys keys;
    CHECK(keys.empty());
    std::string a = keys.generate();
    std::string b = keys.generate();
    CHECK(a.size() == 35);
    CHECK(a.starts_with("sk_"));
    CHECK(a != b);
    CHECK(keys.accepts(a));
    CHECK(keys.accepts(b));
}

}  // TEST_SUITE
