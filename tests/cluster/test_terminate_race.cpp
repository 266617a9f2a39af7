// test_terminate_race.cpp — terminate racing 4 senders across 2 fronts (two connections) while
// the workers test_cluster.sh started run the objects. Each round: use a fresh token, start the
// senders, terminate from a random front after a random number of sends, then check that every
// send got its result or TaskTerminated (none hangs), that the final status reads
// accepted = completed + failed with nothing unanswered, and that the senders saw exactly the
// accepted objects answered. At the end, the results stream of every token still holds exactly
// its final count: nothing was answered after dead.
//   usage: sluice_cluster_test_race URL ECHO.pipe ROUNDS
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <sluice/sluice.hpp>

#include "front.hpp"
#include "layout.hpp"
#include "stream_counts.hpp"

namespace sc = sluice::cluster;

namespace {

constexpr int k_senders = 4;
constexpr int k_max_per_sender = 150;

struct Tally {
    int results = 0, refused = 0, hung = 0, other = 0;
    std::string other_text;
};

// One sender: sends until refused (or its cap), then waits for every future, bounded.
Tally send_until_refused(sc::ClusterFront& front, const std::string& token,
                         std::atomic<int>& sent) {
    Tally tally;
    std::vector<std::future<sc::ClusterResult>> futures;
    for (int i = 0; i < k_max_per_sender; ++i) {
        try {
            futures.push_back(front.send_async(token, fmt::format("object {}", i)));
            sent.fetch_add(1, std::memory_order_relaxed);  // a counter the terminator polls
        } catch (const sluice::TaskTerminated&) {
            ++tally.refused;
            break;
        }
    }
    for (auto& future : futures) {
        if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
            ++tally.hung;
            continue;
        }
        try {
            future.get();
            ++tally.results;
        } catch (const sluice::TaskTerminated&) {
            ++tally.refused;
        } catch (const std::exception& error) {
            ++tally.other;
            tally.other_text = error.what();
        }
    }
    return tally;
}

std::string read_text(const char* path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: sluice_cluster_test_race URL ECHO.pipe ROUNDS\n", stderr);
        return 2;
    }
    const std::string pipeline = read_text(argv[2]);
    const int rounds = std::atoi(argv[3]);
    sc::FrontOptions options;
    options.urls = argv[1];
    options.layout.ack_wait = std::chrono::milliseconds(1000);
    options.layout.max_deliver = 4;
    sc::ClusterFront front_a(options), front_b(options);
    sc::ClusterFront* fronts[2] = {&front_a, &front_b};
    sc::Connection probe = sc::connect(options.urls, "race-probe", nullptr);
    std::mt19937 random(12345);
    std::vector<std::pair<std::string, std::uint64_t>> answered_at_dead;
    int failures = 0;
    auto expect = [&](bool ok, const std::string& what) {
        if (!ok && ++failures <= 20) fmt::print(stderr, "FAIL: {}\n", what);
    };
    for (int round = 0; round < rounds; ++round) {
        const std::string token = fmt::format("race-{}-{}", ::getpid(), round);
        front_a.use(token, pipeline);
        std::atomic<int> sent{0};
        std::vector<Tally> tallies(k_senders);
        std::vector<std::thread> senders;
        for (int s = 0; s < k_senders; ++s)
            senders.emplace_back(
                [&, s] { tallies[s] = send_until_refused(*fronts[s % 2], token, sent); });
        const int after = static_cast<int>(random() % 200);
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (sent.load(std::memory_order_relaxed) < after &&
               std::chrono::steady_clock::now() < until)
            std::this_thread::yield();  // a poll with a deadline on the senders' progress
        sc::ClusterStatus final_status =
            fronts[random() % 2]->terminate(token, std::chrono::milliseconds(15'000));
        for (std::thread& thread : senders) thread.join();
        Tally sum;
        for (const Tally& t : tallies) {
            sum.results += t.results;
            sum.refused += t.refused;
            sum.hung += t.hung;
            sum.other += t.other;
            if (!t.other_text.empty()) sum.other_text = t.other_text;
        }
        const std::string where = fmt::format("round {} ({})", round, final_status.to_json());
        expect(sum.hung == 0, fmt::format("{}: {} sends hung", where, sum.hung));
        expect(sum.other == 0,
               fmt::format("{}: {} sends failed: {}", where, sum.other, sum.other_text));
        expect(final_status.accepted == final_status.completed + final_status.failed,
               fmt::format("{}: accepted != completed + failed", where));
        expect(final_status.unanswered == 0, fmt::format("{}: unanswered objects", where));
        expect(static_cast<std::uint64_t>(sum.results) == final_status.accepted,
               fmt::format("{}: senders got {} results", where, sum.results));
        answered_at_dead.emplace_back(token, final_status.completed + final_status.failed);
    }
    for (auto& [token, answered] : answered_at_dead) {
        sc::SubjectCounts now =
            sc::count_subjects(probe.js.get(), sc::k_output_stream, sc::results_filter(token));
        expect(now.total == answered, fmt::format("token {}: {} results in the stream after "
                                                  "dead, {} at dead",
                                                  token, now.total, answered));
    }
    fmt::print("terminate race: {} rounds, {} failures\n", rounds, failures);
    return failures == 0 ? 0 : 1;
}
