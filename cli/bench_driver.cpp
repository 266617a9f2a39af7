// bench_driver.cpp — one measured run: send, wait for the results, take the figures.
#include "bench_driver.hpp"

#include <algorithm>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>

#include "bench_flight.hpp"
#include "bench_rss.hpp"
#include "bench_sampler.hpp"

namespace sluice::cli {
namespace {

using Clock = Flight::Clock;

// After a cancel, how long the remaining callbacks may take to arrive.
constexpr std::chrono::seconds k_callback_deadline{10};

// What the sending loop saw: where the measured window began and what it sent.
struct Window {
    bool started = false;
    Clock::time_point start;
    TaskStatus at_start;
    std::uint64_t sent = 0;      // every object, warm-up included
    std::uint64_t measured = 0;  // objects sent inside the window
    std::uint64_t measured_bytes = 0;
    std::string error;  // why sending stopped early, if the task refused an object
};

class Sender {
public:
    Sender(Engine& engine, const Token& token, const std::vector<BenchInput>& inputs,
           const RunPlan& plan, const Interrupt& stop, std::shared_ptr<Flight> flight,
           QueueSampler& sampler)
        : engine_(engine),
          token_(token),
          inputs_(inputs),
          plan_(plan),
          stop_(stop),
          flight_(std::move(flight)),
          sampler_(sampler) {}

    Window send_all() {
        const Clock::time_point begin = Clock::now();
        const Clock::time_point measure_from = begin + plan_.warmup;
        for (std::uint64_t i = 0;; ++i) {
            if (plan_.rate > 0 && !flight_->wait_until(due(begin, i), stop_)) break;
            if (!flight_->wait_room(stop_)) break;
            const Clock::time_point now = Clock::now();
            if (!window_.started && now >= measure_from) start_window(now);
            if (window_.started && window_over(now)) break;
            if (!send(inputs_[i % inputs_.size()], plan_.rate > 0 ? due(begin, i) : now)) break;
        }
        if (!window_.started) start_window(Clock::now());  // interrupted in the warm-up
        return std::move(window_);
    }

private:
    Clock::time_point due(Clock::time_point begin, std::uint64_t i) const {
        return begin + std::chrono::duration_cast<Clock::duration>(
                           std::chrono::duration<double>(static_cast<double>(i) / plan_.rate));
    }

    bool window_over(Clock::time_point now) const {
        return plan_.objects > 0 ? window_.measured >= plan_.objects
                                 : now >= window_.start + plan_.duration;
    }

    void start_window(Clock::time_point now) {
        window_.started = true;
        window_.start = now;
        window_.at_start = engine_.status(token_);
        reset_peak_rss();
        sampler_.measure();
    }

    bool send(const BenchInput& input, Clock::time_point start) {
        const bool measured = window_.started;
        ObjectInfo info;
        info.name = input.name;
        flight_->sent();
        try {
            engine_.send_async(token_, input.data, input.mime, std::move(info),
                               [flight = flight_, start, measured](Result result) {
                                   flight->answered(result, start, measured);
                               });
        } catch (const Error& e) {  // the task refused it (it was cancelled): stop sending
            flight_->not_sent();
            window_.error = e.what();
            return false;
        }
        ++window_.sent;
        if (measured) {
            ++window_.measured;
            window_.measured_bytes += input.data->size();
        }
        return true;
    }

    Engine& engine_;
    const Token& token_;
    const std::vector<BenchInput>& inputs_;
    const RunPlan& plan_;
    const Interrupt& stop_;
    std::shared_ptr<Flight> flight_;
    QueueSampler& sampler_;
    Window window_;
};

// The nodes' figures over the window: `end` minus `start`, with the sampled queue depths.
std::vector<NodeFigures> node_figures(const TaskStatus& start, const TaskStatus& end,
                                      const std::vector<QueueSampler::Depth>& depths) {
    std::vector<NodeFigures> nodes;
    for (std::size_t i = 0; i < end.nodes.size(); ++i) {
        const NodeStatus& e = end.nodes[i];
        const NodeStatus* s = i < start.nodes.size() ? &start.nodes[i] : nullptr;
        NodeFigures n;
        n.id = e.id;
        n.provider = e.provider;
        n.items_in = e.items_in - (s ? std::min(s->items_in, e.items_in) : 0);
        n.items_out = e.items_out - (s ? std::min(s->items_out, e.items_out) : 0);
        n.busy = e.busy - (s ? std::min(s->busy, e.busy) : std::chrono::nanoseconds(0));
        if (i < depths.size()) {
            n.waiting_max = depths[i].max;
            n.waiting_sum = depths[i].sum;
            n.samples = depths[i].samples;
        }
        nodes.push_back(std::move(n));
    }
    return nodes;
}

// accepted == completed + failed, and a result for every object sent.
void check_accounting(const TaskStatus& final_status, std::uint64_t sent, const Flight& flight,
                      RunResult& run) {
    const std::uint64_t resolved = final_status.completed + final_status.failed;
    if (final_status.accepted != resolved) {
        run.lost = final_status.accepted - std::min(final_status.accepted, resolved);
        run.lost_detail =
            fmt::format("accepted {} != completed {} + failed {}", final_status.accepted,
                        final_status.completed, final_status.failed);
    } else if (flight.out() != 0 || final_status.accepted != sent) {
        run.lost = std::max<std::uint64_t>(flight.out(), 1);
        run.lost_detail = fmt::format("sent {}, accepted {}, {} without a result", sent,
                                      final_status.accepted, flight.out());
    }
}

}  // namespace

RunResult run_once(const PipelineSpec& spec, const std::vector<BenchInput>& inputs,
                   const RunPlan& plan, const Interrupt& stop, std::atomic<std::uint64_t>& done) {
    EngineOptions engine_options;
    engine_options.worker_threads = plan.threads;
    engine_options.default_max_inflight = plan.max_inflight;
    engine_options.drain_deadline = k_bench_drain_deadline;
    Engine engine(engine_options);
    UseOptions use;
    use.threads = plan.threads;
    // The Flight keeps max_inflight; the task's own limit has room above it, so a result's
    // callback that runs just before the task frees its slot never makes a send wait inside.
    use.max_inflight = plan.max_inflight * 2;
    use.profile_nodes = true;
    const Token token = engine.use(spec, use);

    auto flight = std::make_shared<Flight>(plan.max_inflight, done);
    QueueSampler sampler(engine, token);
    Window window = Sender(engine, token, inputs, plan, stop, flight, sampler).send_all();
    const bool drained = flight->wait_empty(Clock::now() + k_bench_drain_deadline);
    const TaskStatus at_end = engine.status(token);
    const std::vector<QueueSampler::Depth> depths = sampler.stop();

    RunResult run;
    run.peak_rss = peak_rss_bytes();
    run.interrupted = stop.requested();
    run.objects = flight->measured_results();
    run.failed = flight->measured_failed();
    run.bytes = window.measured_bytes;
    if (run.objects > 0)
        run.seconds = std::chrono::duration<double>(flight->last_result() - window.start).count();
    run.latency = flight->latency();
    run.nodes = node_figures(window.at_start, at_end, depths);
    // A drain that ran out of time cancels what is left: those objects fail, and are counted.
    const auto cancel_deadline = drained ? k_bench_drain_deadline : std::chrono::seconds(1);
    std::shared_future<TaskStatus> final_status = engine.terminate(token, cancel_deadline);
    if (final_status.wait_for(k_bench_drain_deadline + k_callback_deadline) ==
        std::future_status::ready) {
        flight->wait_empty(Clock::now() + k_callback_deadline);
        check_accounting(final_status.get(), window.sent, *flight, run);
    } else {
        run.lost = flight->out();
        run.lost_detail = "the task did not finish its drain in time";
    }
    run.objects = flight->measured_results();  // a cancel answers what was left, as failed
    run.failed = flight->measured_failed();
    run.first_error = flight->first_error();
    if (run.first_error.empty()) run.first_error = window.error;
    return run;
}

}  // namespace sluice::cli
