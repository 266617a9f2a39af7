// front.cpp — ClusterFront: claims tokens in KV, publishes objects (Nats-Msg-Id = object id),
// hands results from the results stream to the waiting futures, and runs the cluster-wide
// terminate: draining -> results == accepted -> dead.
#include "front.hpp"

#include <cstdio>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include <sluice/pipeline.hpp>

#include "deadline.hpp"
#include "fence.hpp"
#include "object_publisher.hpp"
#include "results_feed.hpp"
#include "state_cache.hpp"
#include "stream_counts.hpp"
#include "token_state.hpp"

namespace sluice::cluster {

std::string ClusterStatus::to_json() const {
    // `token` passed check_token_name: no character needs escaping.
    return fmt::format(
        R"({{"token":"{}","state":"{}","accepted":{},"completed":{},"failed":{},"unanswered":{}}})",
        token, state, accepted, completed, failed, unanswered);
}

TaskStatus ClusterStatus::task_status() const {
    TaskStatus t;
    t.token = token;
    t.name = token;
    t.state = state == "running"    ? TaskState::Running
              : state == "draining" ? TaskState::Draining
              : unanswered > 0      ? TaskState::Cancelled
                                    : TaskState::Terminated;
    t.accepted = accepted;
    t.completed = completed;
    t.failed = failed;
    if (!t.dead() && accepted > completed + failed) t.in_flight = accepted - completed - failed;
    return t;
}

class ClusterFront::Impl {
public:
    explicit Impl(FrontOptions options)
        : options_(std::move(options)),
          publisher_(results_, options_.publish_timeout),  // results_ is used after a publish
          js_options_(publish_options(publisher_)),
          connection_(connect(options_.urls, options_.name, &js_options_)),
          layout_(ensure_layout(connection_.js.get(), options_.layout)),
          tokens_(open_tokens(connection_.js.get(), options_.layout.replicas)),
          results_(connection_.js.get()),
          states_(tokens_, [this](const std::string& token, std::uint64_t fence) {
              results_.fence(token, fence);
          }) {
        publisher_.attach(connection_.js.get());
    }
    // Every publish ack is in (or the timeout passed) before the feed and connection go.
    ~Impl() { publisher_.stop(); }

    void use(const std::string& token, std::string_view pipeline_json) {
        check_token_name(token);
        parse_pipeline(pipeline_json);  // throws JsonError / InvalidPipeline before any claim
        tokens_.claim(token, pipeline_json);
        states_.set(token, TokenState::running);
    }

    void send_then(const std::string& token, std::string_view data, std::string_view mime,
                   std::string_view name, SendDone done);
    std::vector<std::pair<std::string, std::string>> tokens() { return states_.snapshot(); }
    ClusterStatus status(const std::string& token);
    ClusterStatus terminate(const std::string& token, std::chrono::milliseconds deadline,
                            const std::function<void()>& on_closed);
    std::optional<std::string> peek_state(const std::string& token) {
        std::optional<TokenState> state = states_.peek(token);
        if (!state) return std::nullopt;
        return std::string(to_string(*state));
    }
    std::size_t max_object_bytes() {
        const std::int64_t most = natsConnection_GetMaxPayload(connection_.nc.get());
        return most > 0 ? static_cast<std::size_t>(most) : 0;
    }

private:
    void refuse_unless_running(const std::string& token);
    ClusterStatus counts(const std::string& token, TokenState state);
    void bury(const std::string& token, const ClusterStatus& final_status);

    static jsOptions publish_options(ObjectPublisher& publisher) {
        jsOptions options;
        jsOptions_Init(&options);
        publisher.configure(options);
        return options;
    }

    FrontOptions options_;
    ObjectPublisher publisher_;
    jsOptions js_options_;
    Connection connection_;
    Layout layout_;
    TokenStore tokens_;
    ResultsFeed results_;  // before states_: its watcher hands fences to results_
    StateCache states_;
};

namespace {

std::string new_object_id() {
    thread_local std::mt19937_64 random{std::random_device{}()};
    return fmt::format("{:016x}{:016x}", random(), random());
}

std::string final_key(std::string_view token) { return fmt::format("final.{}", token); }

}  // namespace

std::optional<ClusterStatus> read_final(TokenStore& tokens, const std::string& token);

void ClusterFront::Impl::refuse_unless_running(const std::string& token) {
    std::optional<TokenState> state = states_.get(token);
    if (!state)
        throw UnknownToken(fmt::format(
            "unknown token \"{}\" in the cluster; start a pipeline with use() first", token));
    if (*state != TokenState::running)
        throw TaskTerminated(
            fmt::format("task {} was terminated; start a new pipeline with use()", token));
}

void ClusterFront::Impl::send_then(const std::string& token, std::string_view data,
                                   std::string_view mime, std::string_view name, SendDone done) {
    check_token_name(token);
    refuse_unless_running(token);
    results_.follow(token);
    const std::string id = new_object_id();
    results_.expect(id, token, std::move(done));
    try {
        publisher_.publish(token, id, data, mime, name);  // accepted at its publish ack
    } catch (...) {
        results_.forget(id);
        throw;
    }
}

ClusterStatus ClusterFront::Impl::counts(const std::string& token, TokenState state) {
    ClusterStatus status;
    status.token = token;
    status.state = std::string(to_string(state));
    // Results first: every result counted then has its object stored before the input count,
    // so completed + failed never exceeds accepted in one reading.
    SubjectCounts results =
        count_subjects(connection_.js.get(), k_output_stream, results_filter(token));
    status.accepted =
        count_subjects(connection_.js.get(), k_input_stream, input_subject(token)).total;
    status.completed = results.ok;
    status.failed = results.failed;
    return status;
}

ClusterStatus ClusterFront::Impl::status(const std::string& token) {
    check_token_name(token);
    std::optional<TokenRecord> record = tokens_.state(token);
    if (!record) throw UnknownToken(fmt::format("unknown token \"{}\" in the cluster", token));
    if (record->state == TokenState::dead) {
        if (std::optional<ClusterStatus> final_status = read_final(tokens_, token))
            return *final_status;
    }
    return counts(token, record->state);
}

ClusterStatus ClusterFront::Impl::terminate(const std::string& token,
                                            std::chrono::milliseconds deadline,
                                            const std::function<void()>& on_closed) {
    check_token_name(token);
    for (;;) {  // each turn either moves the state or sees another front move it
        std::optional<TokenRecord> record = tokens_.state(token);
        if (!record) throw UnknownToken(fmt::format("unknown token \"{}\" in the cluster", token));
        if (record->state != TokenState::running)
            throw TaskTerminated(
                fmt::format("task {} was terminated; start a new pipeline with use()", token));
        if (tokens_.advance(token, *record, TokenState::draining)) break;
    }
    states_.set(token, TokenState::draining);
    // The cut: objects stored after the fence are refused by their fronts and deleted unrun by
    // the workers, so the count below converges on exactly the accepted objects.
    const std::uint64_t fence = publish_fence(connection_.js.get(), token);
    results_.fence(token, fence);
    tokens_.set_fence(token, fence);
    if (on_closed) on_closed();
    // The cluster-wide drain: poll the stream counters until every accepted object is answered.
    const auto until = std::chrono::steady_clock::now() + deadline;
    ClusterStatus status = counts(token, TokenState::draining);
    while (status.completed + status.failed < status.accepted &&
           std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a poll with a deadline
        status = counts(token, TokenState::draining);
    }
    std::uint64_t failed_at_deadline = 0;
    if (status.completed + status.failed < status.accepted) {
        failed_at_deadline = fail_unanswered(connection_.js.get(), token, fence, deadline,
                                             std::chrono::milliseconds(2'000));
        status = counts(token, TokenState::draining);
    }
    status.unanswered = failed_at_deadline;  // counted in `failed` too
    status.state = "dead";
    bury(token, status);
    return status;
}

}  // namespace sluice::cluster

namespace sluice::cluster {

// The final counts go to KV before the state turns dead, so status() of a dead token always
// finds them; then the token's objects leave the input stream (dead is permanent: nothing will
// ever run them).
void ClusterFront::Impl::bury(const std::string& token, const ClusterStatus& final_status) {
    const std::string key = final_key(token);
    const std::string value =
        fmt::format("{} {} {} {}", final_status.accepted, final_status.completed,
                    final_status.failed, final_status.unanswered);
    check(kvStore_PutString(nullptr, tokens_.kv(), key.c_str(), value.c_str()),
          fmt::format("token \"{}\": storing its final status", token));
    for (;;) {
        std::optional<TokenRecord> record = tokens_.state(token);
        if (!record || record->state == TokenState::dead) break;
        if (tokens_.advance(token, *record, TokenState::dead)) break;
    }
    states_.set(token, TokenState::dead);
    jsOptions options;
    jsOptions_Init(&options);
    const std::string subject = input_subject(token);
    options.Stream.Purge.Subject = subject.c_str();
    jsErrCode js_error = static_cast<jsErrCode>(0);
    js_PurgeStream(connection_.js.get(), k_input_stream, &options, &js_error);
}

std::optional<ClusterStatus> read_final(TokenStore& tokens, const std::string& token) {
    const std::string key = final_key(token);
    kvEntry* raw = nullptr;
    if (kvStore_Get(&raw, tokens.kv(), key.c_str()) != NATS_OK) return std::nullopt;
    KvEntryPtr entry(raw);
    ClusterStatus status;
    status.token = token;
    status.state = "dead";
    unsigned long long values[4] = {};
    if (std::sscanf(kvEntry_ValueString(raw), "%llu %llu %llu %llu", &values[0], &values[1],
                    &values[2], &values[3]) != 4)
        return std::nullopt;
    status.accepted = values[0];
    status.completed = values[1];
    status.failed = values[2];
    status.unanswered = values[3];
    return status;
}

ClusterFront::ClusterFront(FrontOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}
ClusterFront::~ClusterFront() = default;

void ClusterFront::use(const std::string& token, std::string_view pipeline_json) {
    impl_->use(token, pipeline_json);
}
std::future<ClusterResult> ClusterFront::send_async(const std::string& token, std::string_view data,
                                                    std::string_view mime, std::string_view name) {
    auto promise = std::make_shared<std::promise<ClusterResult>>();
    std::future<ClusterResult> result = promise->get_future();
    impl_->send_then(token, data, mime, name, [promise](ClusterResult r, std::exception_ptr error) {
        if (error)
            promise->set_exception(std::move(error));
        else
            promise->set_value(std::move(r));
    });
    return result;
}
void ClusterFront::send_then(const std::string& token, std::string_view data, std::string_view mime,
                             std::string_view name, SendDone done) {
    impl_->send_then(token, data, mime, name, std::move(done));
}
std::vector<std::pair<std::string, std::string>> ClusterFront::tokens() { return impl_->tokens(); }
ClusterStatus ClusterFront::status(const std::string& token) { return impl_->status(token); }
ClusterStatus ClusterFront::terminate(const std::string& token, std::chrono::milliseconds deadline,
                                      const std::function<void()>& on_closed) {
    return impl_->terminate(token, deadline, on_closed);
}
std::optional<std::string> ClusterFront::peek_state(const std::string& token) {
    return impl_->peek_state(token);
}
std::size_t ClusterFront::max_object_bytes() { return impl_->max_object_bytes(); }

}  // namespace sluice::cluster
