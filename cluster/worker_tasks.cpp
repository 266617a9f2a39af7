// worker_tasks.cpp — building a local task from the token's KV record.
#include "worker_tasks.hpp"

#include <fmt/format.h>

namespace sluice::cluster {

std::variant<Token, std::string> WorkerTasks::task(const std::string& token) {
    if (auto it = tasks_.find(token); it != tasks_.end()) return it->second;
    std::optional<TokenRecord> record = tokens_.state(token);
    if (!record)
        return fmt::format(
            "token \"{}\": unknown to the cluster (no state in KV {}); call use "
            "before sending",
            token, k_token_bucket);
    if (record->state == TokenState::dead)
        return fmt::format(
            "token \"{}\": the task is terminated; objects sent after terminate "
            "are not run",
            token);
    std::optional<std::string> pipeline = tokens_.pipeline(token);
    if (!pipeline)
        return fmt::format("token \"{}\": no pipeline stored in KV {}", token, k_token_bucket);
    UseOptions options;
    options.token = token;
    options.use_existing = true;
    options.ttl = idle_ttl_;
    try {
        Token local = engine_.use(*pipeline, options);
        tasks_.emplace(token, local);
        return local;
    } catch (const Error& error) {
        return fmt::format("token \"{}\": its pipeline cannot run on this worker: {}", token,
                           error.what());
    }
}

}  // namespace sluice::cluster
