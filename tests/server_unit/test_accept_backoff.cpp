// AcceptBackoff: how long a failing acceptor waits, and how rarely it logs.
#include <cerrno>
#include <chrono>

#include <doctest/doctest.h>

#include "accept_backoff.hpp"

using namespace sluice::server;
using namespace std::chrono_literals;

TEST_SUITE("server") {
    TEST_CASE("out of descriptors, the wait doubles from 10 ms to 1 s and a success resets it") {
        AcceptBackoff backoff;
        const auto now = AcceptBackoff::clock::now();
        std::optional<std::string> line;
        CHECK(backoff.failed(EMFILE, "Too many open files", now, line) == 10ms);
        CHECK(backoff.failed(ENFILE, "x", now, line) == 20ms);
        CHECK(backoff.failed(ENOBUFS, "x", now, line) == 40ms);
        for (int i = 0; i < 10; ++i) backoff.failed(ENOMEM, "x", now, line);
        CHECK(backoff.failed(EMFILE, "x", now, line) == 1000ms);
        backoff.succeeded();
        CHECK(backoff.failed(EMFILE, "x", now, line) == 10ms);
    }

    TEST_CASE("other accept errors are retried at once") {
        AcceptBackoff backoff;
        std::optional<std::string> line;
        CHECK(backoff.failed(ECONNABORTED, "aborted", AcceptBackoff::clock::now(), line) == 0ms);
    }

    TEST_CASE("one line per 10 s, counting the failures since the last line") {
        AcceptBackoff backoff;
        const auto start = AcceptBackoff::clock::now();
        std::optional<std::string> line;
        backoff.failed(EMFILE, "Too many open files", start, line);
        REQUIRE(line);
        CHECK(*line ==
              "sluice serve: accept failed: Too many open files (1 failure since the last line); "
              "waiting up to 1 s between tries; raise the open-file limit ('ulimit -n') or lower "
              "--max-connections");
        int lines = 0;
        for (int i = 1; i <= 1000; ++i) {
            line.reset();
            backoff.failed(EMFILE, "Too many open files", start + i * 9ms, line);  // 9 s in all
            lines += line.has_value();
        }
        CHECK(lines == 0);
        line.reset();
        backoff.failed(EMFILE, "Too many open files", start + 10s, line);
        REQUIRE(line);
        CHECK(line->find("(1001 failures since the last line)") != std::string::npos);
    }

}  // TEST_SUITE
