// results_feed.cpp — ordered consumers on the results stream, one per followed token.
#include "results_feed.hpp"

#include <fmt/format.h>

#include "fence.hpp"
#include "layout.hpp"

namespace sluice::cluster {
namespace {

void deliver(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    static_cast<ResultsFeed*>(closure)->on_result(msg);
    natsMsg_Destroy(msg);
}

}  // namespace

ResultsFeed::~ResultsFeed() {
    std::unordered_map<std::string, SubscriptionPtr> followed;
    {
        std::lock_guard lock(mutex_);
        followed.swap(followed_);
    }
    // Unsubscribe waits for no callback; draining the connection later finishes them.
    for (auto& [token, subscription] : followed) natsSubscription_Unsubscribe(subscription.get());
    std::unordered_map<std::string, Waiting> waiting;
    {
        std::lock_guard lock(mutex_);
        waiting.swap(waiting_);
    }
    for (auto& [id, w] : waiting)
        w.done(ClusterResult{},
               std::make_exception_ptr(ClusterError(fmt::format(
                   "object {} of task {}: this front closed before its result arrived (an "
                   "accepted object still gets its result in the results stream)",
                   id, w.token))));
}

void ResultsFeed::follow(const std::string& token) {
    std::lock_guard lock(mutex_);
    if (followed_.contains(token)) return;
    jsSubOptions sub_options;
    jsSubOptions_Init(&sub_options);
    sub_options.Stream = k_output_stream;
    sub_options.Ordered = true;
    sub_options.Config.DeliverPolicy = js_DeliverNew;
    const std::string filter = results_filter(token);
    natsSubscription* raw = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    check(js_Subscribe(&raw, js_, filter.c_str(), deliver, this, nullptr, &sub_options, &js_error),
          fmt::format("token \"{}\": following its results on {}", token, k_output_stream), {},
          js_error);
    followed_.emplace(token, SubscriptionPtr(raw));
}

void ResultsFeed::expect(const std::string& object_id, const std::string& token, Done done) {
    std::lock_guard lock(mutex_);
    Waiting& waiting = waiting_[object_id];
    waiting.token = token;
    waiting.done = std::move(done);
}

// stored() and fence() decide under one lock: a send stored after the fence is refused by
// whichever of the two runs second.
void ResultsFeed::stored(const std::string& object_id, std::uint64_t sequence) {
    std::vector<std::pair<std::string, Waiting>> refused;
    {
        std::lock_guard lock(mutex_);
        auto it = waiting_.find(object_id);
        if (it == waiting_.end()) return;  // answered already
        it->second.sequence = sequence;
        auto fence = fences_.find(it->second.token);
        if (fence == fences_.end() || sequence < fence->second) return;
        refused.emplace_back(it->first, std::move(it->second));
        waiting_.erase(it);
    }
    refuse(std::move(refused));
}

void ResultsFeed::fail(const std::string& object_id, std::exception_ptr error) {
    Done done;
    {
        std::lock_guard lock(mutex_);
        auto it = waiting_.find(object_id);
        if (it == waiting_.end()) return;
        done = std::move(it->second.done);
        waiting_.erase(it);
    }
    done(ClusterResult{}, std::move(error));
}

void ResultsFeed::fence(const std::string& token, std::uint64_t fence_sequence) {
    std::vector<std::pair<std::string, Waiting>> refused;
    {
        std::lock_guard lock(mutex_);
        if (!fences_.emplace(token, fence_sequence).second) return;  // a fence never moves
        for (auto it = waiting_.begin(); it != waiting_.end();) {
            if (it->second.token == token && it->second.sequence > fence_sequence) {
                refused.emplace_back(it->first, std::move(it->second));
                it = waiting_.erase(it);
            } else {
                ++it;
            }
        }
    }
    refuse(std::move(refused));
}

void ResultsFeed::refuse(std::vector<std::pair<std::string, Waiting>> refused) {
    for (auto& [id, waiting] : refused) {
        delete_refused(js_, waiting.sequence);
        waiting.done(
            ClusterResult{},
            std::make_exception_ptr(TaskTerminated(fmt::format(
                "task {} was terminated; start a new pipeline with use()", waiting.token))));
    }
}

void ResultsFeed::forget(const std::string& object_id) {
    std::lock_guard lock(mutex_);
    waiting_.erase(object_id);
}

void ResultsFeed::on_result(natsMsg* msg) {
    ClusterResult result;
    result.object_id = header(msg, k_header_msg_id);
    result.error = header(msg, k_header_error);
    result.json.assign(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    Done done;
    {
        std::lock_guard lock(mutex_);
        auto it = waiting_.find(result.object_id);
        if (it == waiting_.end()) return;  // another front's object, or answered already
        done = std::move(it->second.done);
        waiting_.erase(it);
    }
    done(std::move(result), nullptr);
}

}  // namespace sluice::cluster
