// sluice_side.cpp — the sluice side's batch send and its accounting.
#include "sluice_side.hpp"

#include <future>
#include <vector>

#include <fmt/format.h>

namespace bench {

double send_and_wait(sluice::Engine& engine, const sluice::Token& token, std::size_t n,
                     std::string_view text, double* send_seconds) {
    std::vector<std::future<sluice::Result>> results;
    results.reserve(n);
    const auto start = Clock::now();
    for (std::size_t i = 0; i < n; ++i) results.push_back(engine.send_async(token, text));
    if (send_seconds) *send_seconds = seconds_since(start);
    std::size_t failed = 0;
    for (auto& r : results)
        if (!r.get().ok()) ++failed;
    const double seconds = seconds_since(start);
    if (failed) throw AccountingError(fmt::format("{} of {} objects failed", failed, n));
    return seconds;
}

void finish_task(sluice::Engine& engine, const sluice::Token& token, std::size_t expected,
                 const std::string& where, Counts& counts) {
    sluice::TaskStatus final_status = engine.terminate(token).get();
    check_accounting(final_status, expected, where);
    counts.add(final_status);
}

}  // namespace bench
