// cluster_engine.cpp — ClusterEngine (include/sluice/cluster.hpp) over ClusterFront.
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include <sluice/cluster.hpp>
#include <sluice/errors.hpp>
#include <sluice/pipeline.hpp>

#include "front.hpp"
#include "use_request.hpp"

namespace sluice {

class ClusterEngine::Impl {
public:
    explicit Impl(const ClusterOptions& o)
        : drain_deadline_(o.drain_deadline), front_(front_options(o)) {}
    ~Impl() {
        std::vector<std::thread> running;
        {
            std::lock_guard lock(mutex_);
            running.swap(terminators_);
        }
        for (std::thread& t : running) t.join();  // each bounded by its drain deadline
    }

    Token use(std::string_view pipeline_json, const UseOptions& options) {
        return Token(cluster::claim(front_, Json::parse(pipeline_json), options, {}).token);
    }

    void send_then(const Token& token, std::string_view data, std::string_view mime,
                   const ObjectInfo& info, std::function<void(Result, std::exception_ptr)> done) {
        front_.send_then(token.str(), data, mime, info.name,
                         [done = std::move(done)](cluster::ClusterResult r, std::exception_ptr e) {
                             if (e) return done(Result{}, std::move(e));
                             Result result;
                             try {
                                 result = result_from_json(r.json);
                             } catch (const Error& bad) {
                                 result.object_id = r.object_id;
                                 result.error = fmt::format("unreadable result: {}", bad.what());
                             }
                             if (result.error.empty()) result.error = r.error;
                             done(std::move(result), nullptr);
                         });
    }

    std::shared_future<TaskStatus> terminate(const Token& token,
                                             std::chrono::milliseconds deadline);
    TaskStatus status(const Token& token) { return front_.status(token.str()).task_status(); }
    std::chrono::milliseconds drain_deadline() const { return drain_deadline_; }

private:
    static cluster::FrontOptions front_options(const ClusterOptions& o) {
        cluster::FrontOptions f;
        f.urls = o.nats_urls;
        f.name = o.client_name;
        f.layout.replicas = o.replicas;
        f.publish_timeout = o.publish_timeout;
        return f;
    }

    const std::chrono::milliseconds drain_deadline_;
    cluster::ClusterFront front_;
    std::mutex mutex_;
    std::vector<std::thread> terminators_;  // joined by the destructor, before front_ goes
};

// The gate closes (or the refusal is known) before this returns, as Engine::terminate; the
// drain goes on in a thread of its own.
std::shared_future<TaskStatus> ClusterEngine::Impl::terminate(const Token& token,
                                                              std::chrono::milliseconds deadline) {
    struct Gate {
        std::mutex mutex;
        std::condition_variable changed;
        bool closed = false;
        std::exception_ptr error;
    };
    auto gate = std::make_shared<Gate>();
    auto done = std::make_shared<std::promise<TaskStatus>>();
    std::shared_future<TaskStatus> result = done->get_future().share();
    auto drain = [this, name = token.str(), deadline, gate, done] {
        auto open_gate = [&](std::exception_ptr error) {
            std::lock_guard lock(gate->mutex);
            gate->closed = true;
            gate->error = std::move(error);
            gate->changed.notify_all();
        };
        try {
            done->set_value(
                front_.terminate(name, deadline, [&] { open_gate(nullptr); }).task_status());
        } catch (...) {
            std::exception_ptr error = std::current_exception();
            bool before_gate = false;
            {
                std::lock_guard lock(gate->mutex);
                before_gate = !gate->closed;
            }
            if (before_gate) open_gate(error);
            done->set_exception(error);
        }
    };
    {
        std::lock_guard lock(mutex_);
        terminators_.emplace_back(std::move(drain));
    }
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [&] { return gate->closed; });  // NATS calls bounded by timeouts
    if (gate->error) std::rethrow_exception(gate->error);
    return result;
}

ClusterEngine::ClusterEngine(ClusterOptions options) : impl_(std::make_unique<Impl>(options)) {}
ClusterEngine::~ClusterEngine() = default;

Token ClusterEngine::use(std::string_view pipeline_json, UseOptions options) {
    return impl_->use(pipeline_json, options);
}

Result ClusterEngine::send(const Token& token, std::string_view data, std::string_view mime,
                           ObjectInfo info) {
    return send_async(token, data, mime, std::move(info)).get();
}

std::future<Result> ClusterEngine::send_async(const Token& token, std::string_view data,
                                              std::string_view mime, ObjectInfo info) {
    auto promise = std::make_shared<std::promise<Result>>();
    std::future<Result> result = promise->get_future();
    impl_->send_then(token, data, mime, info, [promise](Result r, std::exception_ptr error) {
        if (error)
            promise->set_exception(std::move(error));
        else
            promise->set_value(std::move(r));
    });
    return result;
}

void ClusterEngine::send_async(const Token& token, std::string_view data, std::string_view mime,
                               ObjectInfo info, ResultCallback on_result) {
    impl_->send_then(token, data, mime, info,
                     [on_result = std::move(on_result)](Result r, std::exception_ptr error) {
                         if (error) {
                             try {
                                 std::rethrow_exception(error);
                             } catch (const std::exception& e) {
                                 r.error = e.what();
                             }
                         }
                         try {
                             on_result(std::move(r));
                         } catch (...) {
                             // As Engine: a callback's exception never reaches the caller's
                             // threads (here: NATS' delivery thread).
                         }
                     });
}

std::shared_future<TaskStatus> ClusterEngine::terminate(const Token& token) {
    return impl_->terminate(token, impl_->drain_deadline());
}
std::shared_future<TaskStatus> ClusterEngine::terminate(const Token& token,
                                                        std::chrono::milliseconds deadline) {
    return impl_->terminate(token, deadline);
}
TaskStatus ClusterEngine::status(const Token& token) const { return impl_->status(token); }

}  // namespace sluice
