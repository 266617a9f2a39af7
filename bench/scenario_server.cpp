// scenario_server.cpp — scenario 7: objects sent over the WebSocket protocol (open, write,
// close: three round trips per object, as RocketRide's client send() does) to an in-process
// `sluice serve` on loopback, from 1..N client connections, against the same number of
// threads calling Engine::send in-process on the same echo pipeline. The ratio is what the
// network front costs per object.
#include <atomic>
#include <barrier>
#include <thread>

#include <boost/beast/websocket.hpp>
#include <fmt/format.h>

#include <sluice/json.hpp>

#include "bench_nodes.hpp"
#include "scenarios.hpp"
#include "server.hpp"
#include "sluice_side.hpp"

namespace bench {
namespace {

namespace net = boost::asio;
namespace websocket = boost::beast::websocket;
using tcp = net::ip::tcp;

const std::string k_key = "bench-key";
const std::string k_text = "tiny object";

// One blocking protocol client: one request at a time, so the next message is its response.
class Client {
public:
    explicit Client(unsigned short port) : ws_(ioc_) {
        tcp::resolver resolver(ioc_);
        net::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
        ws_.handshake("127.0.0.1", "/task/service");
        call("auth", fmt::format(R"({{"auth":"{}"}})", k_key));
    }
    sluice::Json call(std::string_view command, std::string_view arguments,
                      std::string_view data = {}, bool binary = false) {
        std::string message = fmt::format(R"({{"type":"request","seq":{},"command":"{}","arguments":{}}})",
                                          ++seq_, command, arguments);
        ws_.binary(binary);
        if (binary) {
            message += '\n';
            message += data;
        }
        ws_.write(net::buffer(message));
        boost::beast::flat_buffer buffer;
        ws_.read(buffer);
        sluice::Json reply = sluice::Json::parse(boost::beast::buffers_to_string(buffer.data()));
        if (!reply.get_bool("success", false))
            throw AccountingError(fmt::format("7_server: {} failed: {}", command,
                                              reply.get_string("message")));
        return reply;
    }
    // One object: open, write, close; true when its result echoes the text.
    bool send(const std::string& token) {
        sluice::Json opened = call("rrext_process",
            fmt::format(R"({{"subcommand":"open","token":"{}","object":{{}},"mimeType":"text/plain"}})", token));
        const std::int64_t id = opened.find("body")->get_int("pipe_id", 0);
        const std::string pipe = fmt::format(R"("token":"{}","pipe_id":{})", token, id);
        call("rrext_process", fmt::format(R"({{"subcommand":"write",{}}})", pipe), k_text, true);
        sluice::Json closed = call("rrext_process", fmt::format(R"({{"subcommand":"close",{}}})", pipe));
        const sluice::Json* text = closed.find("body")->find("text");
        return text && text->is_array() && text->as_array().size() == 1;
    }

private:
    net::io_context ioc_;
    websocket::stream<tcp::socket> ws_;
    std::int64_t seq_ = 0;
};

struct Measured {
    double items_per_s = 0;
    std::vector<double> latencies_us;
};

// `threads` producers each run `send` until `seconds` have passed; objects/s and latencies.
template <typename Send>
Measured drive(unsigned threads, double seconds, Send send) {
    std::vector<std::vector<double>> latencies(threads);
    std::barrier start(threads + 1);
    std::atomic<bool> stop{false};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&, t] {
            auto worker = send(t);  // connect before the clock starts
            start.arrive_and_wait();
            while (!stop.load(std::memory_order_relaxed)) {
                const auto at = Clock::now();
                if (!worker()) throw AccountingError("7_server: a result lacks its text");
                latencies[t].push_back(seconds_since(at) * 1e6);
            }
        });
    start.arrive_and_wait();
    const auto began = Clock::now();
    // The measuring window (not synchronisation): let the producers run this long.
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop.store(true);
    for (auto& t : pool) t.join();
    Measured m;
    for (auto& l : latencies) m.latencies_us.insert(m.latencies_us.end(), l.begin(), l.end());
    m.items_per_s = static_cast<double>(m.latencies_us.size()) / seconds_since(began);
    return m;
}

}  // namespace

void run_server(Context& ctx) {
    const double window = ctx.options.quick ? 0.3 : 1.5;
    sluice::server::ServeOptions options;
    options.port = 0;
    options.default_ttl = 0;
    sluice::server::Server server(options, sluice::server::ApiKeys::load(k_key, std::nullopt));
    const unsigned short port = server.listen().port();
    std::thread serving([&] { server.run(); });

    std::vector<unsigned> connection_counts{1, 4};
    if (ctx.options.cores > 4) connection_counts.push_back(ctx.options.cores);
    for (unsigned connections : connection_counts) {
        Row rate{.scenario = "7_server", .name = fmt::format("connections={}", connections),
                 .metric = "items_per_s", .unit = "1/s"};
        Row p50 = rate, p99 = rate;
        p50.metric = "p50_latency";
        p99.metric = "p99_latency";
        p50.unit = p99.unit = "us";
        std::vector<double> r_s, r_b, p50_s, p50_b, p99_s, p99_b;
        Paired p = alternate(
            ctx.options.reps,
            [&] {
                const std::string token = fmt::format("bench-{}", connections);
                Client owner(port);
                owner.call("execute", fmt::format(R"({{"token":"{}","pipeline":{}}})", token,
                                                  echo_pipeline()));
                Measured m = drive(connections, window, [&](unsigned) {
                    auto client = std::make_shared<Client>(port);
                    return [client, token] { return client->send(token); };
                });
                sluice::Json final_status =
                    owner.call("terminate", fmt::format(R"({{"token":"{}"}})", token));
                const sluice::Json& s = *final_status.find("body");
                sluice::TaskStatus counted;
                counted.state = sluice::TaskState::Terminated;
                counted.accepted = static_cast<std::uint64_t>(s.get_int("totalCount", -1));
                counted.completed = static_cast<std::uint64_t>(s.get_int("completedCount", -1));
                counted.failed = static_cast<std::uint64_t>(s.get_int("failedCount", -1));
                check_accounting(counted, m.latencies_us.size(), "7_server");
                rate.counts.add(counted);
                p50_s.push_back(percentile(m.latencies_us, 50));
                p99_s.push_back(percentile(m.latencies_us, 99));
                return m.items_per_s;
            },
            [&] {
                sluice::Token token = ctx.engine.use(echo_pipeline());
                Measured m = drive(connections, window, [&](unsigned) {
                    return [&] { return !ctx.engine.send(token, k_text).fields.empty(); };
                });
                finish_task(ctx.engine, token, m.latencies_us.size(), "7_server", p50.counts);
                p50_b.push_back(percentile(m.latencies_us, 50));
                p99_b.push_back(percentile(m.latencies_us, 99));
                return m.items_per_s;
            });
        rate.reps = p50.reps = p99.reps = ctx.options.reps;
        rate.sluice = Stats::of(p.sluice);
        rate.baseline = Stats::of(p.baseline);
        p50.sluice = Stats::of(p50_s);
        p50.baseline = Stats::of(p50_b);
        p99.sluice = Stats::of(p99_s);
        p99.baseline = Stats::of(p99_b);
        ctx.report(rate);
        ctx.report(p50);
        ctx.report(p99);
    }
    server.stop();
    serving.join();
}

}  // namespace bench
