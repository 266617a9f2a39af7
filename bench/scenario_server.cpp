// scenario_server.cpp — scenario 7: objects sent over the WebSocket protocol (open, write,
// close: three round trips per object, as RocketRide's client send() does) to an in-process
// `sluice serve` on loopback, from 1..N client connections, against two baselines measured in
// the same run: the same number of threads calling Engine::send in-process on the same echo
// pipeline (the ratio is what the network front costs per object), and the same clients
// against a bare Beast server answering with fixed responses (bare_ws_server.hpp: the limit
// of the protocol on this machine).
#include <atomic>
#include <barrier>
#include <exception>
#include <thread>

#include <fmt/format.h>

#include <sluice/json.hpp>

#include "bare_ws_server.hpp"
#include "bench_nodes.hpp"
#include "dap_client.hpp"
#include "scenarios.hpp"
#include "server.hpp"
#include "sluice_side.hpp"

namespace bench {
namespace {

const std::string k_key = "bench-key";
const std::string k_text = "tiny object";

struct Measured {
    double items_per_s = 0;
    std::vector<double> latencies_us;
};

// `threads` producers each run `send` until `seconds` have passed; objects/s and latencies.
// A producer that fails (a refused request, a lost connection) stops them all, and its error
// is rethrown here once every producer has returned.
template <typename Send>
Measured drive(unsigned threads, double seconds, Send send) {
    std::vector<std::vector<double>> latencies(threads);
    std::barrier start(threads + 1);
    std::atomic<bool> stop{false};
    std::vector<std::exception_ptr> errors(threads);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            bool started = false;
            try {
                auto worker = send(t);  // connect before the clock starts
                started = true;
                start.arrive_and_wait();
                while (!stop.load(std::memory_order_relaxed)) {
                    const auto at = Clock::now();
                    if (!worker()) throw AccountingError("7_server: a result lacks its text");
                    latencies[t].push_back(seconds_since(at) * 1e6);
                }
            } catch (...) {
                errors[t] = std::current_exception();
                stop.store(true, std::memory_order_relaxed);  // read after join: no ordering
                if (!started) start.arrive_and_wait();
            }
        });
    start.arrive_and_wait();
    const auto began = Clock::now();
    // The measuring window (not synchronisation): let the producers run this long.
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (auto& t : pool) t.join();
    for (const std::exception_ptr& e : errors)
        if (e) std::rethrow_exception(e);
    Measured m;
    for (auto& l : latencies) m.latencies_us.insert(m.latencies_us.end(), l.begin(), l.end());
    m.items_per_s = static_cast<double>(m.latencies_us.size()) / seconds_since(began);
    return m;
}

// What one connection count measured besides the objects/s each side returns.
struct Sides {
    std::vector<double> p50_s, p99_s, p50_b, p99_b;
    Counts sluice, in_process, bare;
};

// Over the protocol to `sluice serve`: one task per run, its final counts checked.
double run_sluice(unsigned short port, unsigned connections, double window, Sides& sides) {
    const std::string token = fmt::format("bench-{}", connections);
    DapClient owner(port, k_key);
    owner.call("execute", fmt::format(R"({{"token":"{}","pipeline":{}}})", token, echo_pipeline()));
    Measured m = drive(connections, window, [&](unsigned) {
        auto client = std::make_shared<DapClient>(port, k_key);
        return [client, token] { return client->send(token, k_text); };
    });
    sluice::Json final_status = owner.call("terminate", fmt::format(R"({{"token":"{}"}})", token));
    const sluice::Json& s = *final_status.find("body");
    sluice::TaskStatus counted;
    counted.state = sluice::TaskState::Terminated;
    counted.accepted = static_cast<std::uint64_t>(s.get_int("totalCount", -1));
    counted.completed = static_cast<std::uint64_t>(s.get_int("completedCount", -1));
    counted.failed = static_cast<std::uint64_t>(s.get_int("failedCount", -1));
    check_accounting(counted, m.latencies_us.size(), "7_server");
    sides.sluice.add(counted);
    sides.p50_s.push_back(percentile(m.latencies_us, 50));
    sides.p99_s.push_back(percentile(m.latencies_us, 99));
    return m.items_per_s;
}

// The same threads calling Engine::send in-process on the same pipeline.
double run_in_process(sluice::Engine& engine, unsigned connections, double window, Sides& sides) {
    sluice::Token token = engine.use(echo_pipeline());
    Measured m = drive(connections, window, [&](unsigned) {
        return [&] { return !engine.send(token, k_text).fields.empty(); };
    });
    finish_task(engine, token, m.latencies_us.size(), "7_server", sides.in_process);
    sides.p50_b.push_back(percentile(m.latencies_us, 50));
    sides.p99_b.push_back(percentile(m.latencies_us, 99));
    return m.items_per_s;
}

// The same clients against the bare Beast server: every object it answered is one a client
// counted, opened and closed.
double run_bare(const BareWsServer& bare, unsigned connections, double window, Sides& sides) {
    const BareCounts before = bare.counts();
    Measured m = drive(connections, window, [&](unsigned) {
        auto client = std::make_shared<DapClient>(bare.port(), k_key);
        return [client] { return client->send("bare", k_text); };
    });
    const BareCounts after = bare.counts();
    const std::uint64_t opened = after.opened - before.opened;
    const std::uint64_t closed = after.closed - before.closed;
    if (opened != m.latencies_us.size() || closed != opened)
        throw AccountingError(fmt::format(
            "7_server: the bare server answered {} opens and {} closes for {} objects the "
            "clients sent",
            opened, closed, m.latencies_us.size()));
    sides.bare.accepted += opened;
    sides.bare.completed += closed;
    return m.items_per_s;
}

void report(Context& ctx, unsigned connections, const std::vector<std::vector<double>>& rates,
            const Sides& sides) {
    Row rate{.scenario = "7_server",
             .name = fmt::format("connections={}", connections),
             .metric = "items_per_s",
             .unit = "1/s",
             .reps = ctx.options.reps};
    rate.sluice = Stats::of(rates[0]);
    rate.baseline = Stats::of(rates[1]);
    rate.counts = sides.sluice;
    // The same sluice runs against the protocol's limit: objects/s over the bare server's.
    Row bare = rate;
    bare.metric = "items_per_s_vs_bare_beast";
    bare.baseline = Stats::of(rates[2]);
    bare.target = {Target::On::ratio_at_least, 1 / 1.5, ">= 0.67x (1.5x bare)"};
    bare.counts = sides.bare;
    Row p50 = rate, p99 = rate;
    p50.metric = "p50_latency";
    p99.metric = "p99_latency";
    p50.unit = p99.unit = "us";
    p50.counts = sides.in_process;
    p99.counts = {};
    p50.sluice = Stats::of(sides.p50_s);
    p50.baseline = Stats::of(sides.p50_b);
    p99.sluice = Stats::of(sides.p99_s);
    p99.baseline = Stats::of(sides.p99_b);
    for (const Row& row : {rate, bare, p50, p99}) ctx.report(row);
}

}  // namespace

// Both servers run for the whole scenario; the bare one on as many I/O threads as `serve`.
void run_server(Context& ctx) {
    const double window = ctx.options.quick ? 0.3 : 1.5;
    sluice::server::ServeOptions options;
    options.port = 0;
    options.default_ttl = 0;
    sluice::server::Server server(options, sluice::server::ApiKeys::load(k_key, std::nullopt));
    const unsigned short port = server.listen().port();
    // Stopped and joined however the scenario ends (a failed run throws).
    struct Serving {
        sluice::server::Server& server;
        std::thread thread;
        ~Serving() {
            server.stop();
            thread.join();
        }
    } serving{server, std::thread([&] { server.run(); })};
    BareWsServer bare(options.io_threads, k_key);

    std::vector<unsigned> connection_counts{1, 4};
    if (ctx.options.cores > 4) connection_counts.push_back(ctx.options.cores);
    for (unsigned connections : connection_counts) {
        Sides sides;
        std::vector<std::vector<double>> rates =
            rotate(ctx.options.reps,
                   {[&] { return run_sluice(port, connections, window, sides); },
                    [&] { return run_in_process(ctx.engine, connections, window, sides); },
                    [&] { return run_bare(bare, connections, window, sides); }});
        report(ctx, connections, rates, sides);
    }
}

}  // namespace bench
