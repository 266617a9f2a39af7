// server_per_object.cpp — instructions per object on the server side of scenario 7, under
// callgrind: one DapClient on the main thread sends N objects (rrext_process open, write,
// close) to an in-process `sluice serve` running the echo pipeline ("sluice") or to the bare
// Beast server ("bare"; "bare-posted" and "bare-hopped" add sluice's thread hops back, see
// BareHops), all on ServeOptions' default I/O threads. Only the loop is dumped
// (part 1), each thread on its own (--separate-threads=yes): the server's share is every
// thread but the first. bench/probe/server_per_object.sh runs both and divides.
//   valgrind --tool=callgrind --separate-threads=yes
//       build/release/bench/sluice-server-per-object sluice 2000    (one command line)
#include <cstdio>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <valgrind/callgrind.h>

#include "../bare_ws_server.hpp"
#include "../bench_nodes.hpp"
#include "../dap_client.hpp"
#include "../harness.hpp"
#include "server.hpp"

namespace {

const std::string k_key = "bench-key";
const std::string k_text = "tiny object";

// Warms up, then collects exactly the loop of `n` objects; the seconds it took.
double measured(bench::DapClient& client, const std::string& token, std::size_t n) {
    // The first objects pay for thread-local caches and lazily made pools.
    for (int i = 0; i < 100; ++i) client.send(token, k_text);
    const auto start = bench::Clock::now();
    CALLGRIND_ZERO_STATS;
    for (std::size_t i = 0; i < n; ++i)
        if (!client.send(token, k_text)) throw bench::AccountingError("a result lacks its text");
    CALLGRIND_DUMP_STATS_AT("measured");
    return bench::seconds_since(start);
}

double run_sluice(std::size_t n) {
    sluice::server::ServeOptions options;
    options.port = 0;
    options.default_ttl = 0;
    sluice::server::Server server(options, sluice::server::ApiKeys::load(k_key, std::nullopt));
    const unsigned short port = server.listen().port();
    std::thread serving([&] { server.run(); });
    double seconds = 0;
    {
        bench::DapClient client(port, k_key);
        client.call("execute",
                    fmt::format(R"({{"token":"probe","pipeline":{}}})", bench::echo_pipeline()));
        seconds = measured(client, "probe", n);
        sluice::Json final_status = client.call("terminate", R"({"token":"probe"})");
        if (final_status.find("body")->get_int("completedCount", -1) !=
            static_cast<std::int64_t>(n + 100))
            throw bench::AccountingError("server_per_object: objects lost");
    }
    server.stop();
    serving.join();
    return seconds;
}

double run_bare(std::size_t n, bench::BareHops hops) {
    bench::BareWsServer bare(sluice::server::ServeOptions{}.io_threads, k_key, hops);
    bench::DapClient client(bare.port(), k_key);
    return measured(client, "bare", n);
}

}  // namespace

int main(int argc, char** argv) {
    const std::string what = argc == 3 ? argv[1] : "";
    // The bare server with sluice's hops added back: every answer posted to the strand, and
    // the close answered from another thread.
    const bench::BareHops posted{.post_responses = true};
    const bench::BareHops hopped{.post_responses = true, .close_elsewhere = true};
    if (what != "sluice" && what != "bare" && what != "bare-posted" && what != "bare-hopped") {
        std::fprintf(stderr, "usage: %s sluice|bare|bare-posted|bare-hopped N\n", argv[0]);
        return 2;
    }
    const std::size_t n = std::stoul(argv[2]);
    bench::register_bench_nodes();
    const double seconds = what == "sluice"        ? run_sluice(n)
                           : what == "bare"        ? run_bare(n, {})
                           : what == "bare-posted" ? run_bare(n, posted)
                                                   : run_bare(n, hopped);
    fmt::print("{} n={}: {:.0f} us per object\n", what, n, seconds * 1e6 / static_cast<double>(n));
    return 0;
}
