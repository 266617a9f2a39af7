// The deployment scheduler's clock: schedule time is the wall clock, or one sped up for tests
// (--deploy-clock-scale), and a timer armed for a tick finds it due.
#include <chrono>

#include <doctest/doctest.h>

#include "deploy_scheduler.hpp"

using namespace sluice::server;
using namespace std::chrono;

TEST_SUITE("server") {
    TEST_CASE("at scale 1 schedule time is the wall clock") {
        ScheduleClock clock;
        const auto wall = floor<seconds>(system_clock::now());
        CHECK(abs(clock.now() - wall) <= seconds(1));
    }

    TEST_CASE("at scale 60 a minute of schedule time passes in a second of steady time") {
        ScheduleClock clock(60);
        const sys_seconds next = clock.now() + minutes(1);
        const auto wait = clock.steady_at(next) - steady_clock::now();
        CHECK(wait > milliseconds(900));
        CHECK(wait <= milliseconds(1002));
    }

    TEST_CASE("at the steady time of a tick the schedule clock has reached it") {
        for (double scale : {1.0, 7.0, 60.0, 3600.0}) {
            INFO(scale);
            ScheduleClock clock(scale);
            const sys_seconds past = clock.now() - seconds(5);
            CHECK(clock.steady_at(past) <= steady_clock::now());
            CHECK(clock.now() >= past);
        }
    }

    TEST_CASE("a deployment's token is derived from its project id") {
        CHECK(DeployScheduler::token_of("e612b741-748c-4b1a-9a3b-2f0e1d2c3b4a") ==
              "deploy-e612b741-748c-4b1a-9a3b-2f0e1d2c3b4a");
    }

}  // TEST_SUITE
