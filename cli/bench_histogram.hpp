// bench_histogram.hpp — latencies of `sluice bench` in fixed log buckets: 16 buckets per power
// of two (a percentile is off by at most 1/16), the same bounded memory whatever the count.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace sluice::cli {

inline constexpr std::size_t k_latency_buckets = 976;  // 16 exact + 60 powers of two x 16

// A plain copy of the counts: merged across runs, asked for percentiles.
struct LatencyCounts {
    std::array<std::uint64_t, k_latency_buckets> buckets{};
    std::uint64_t count = 0;
    std::uint64_t max_ns = 0;

    void merge(const LatencyCounts& other) noexcept;
    // The latency `q` (0..1] of the values fall under: a bucket's upper bound, at most max_ns.
    // 0 when empty.
    std::uint64_t percentile_ns(double q) const noexcept;
};

// Recorded from any thread (result callbacks run on the engine's workers).
class LatencyHistogram {
public:
    void record(std::uint64_t ns) noexcept;
    LatencyCounts counts() const noexcept;

    static std::size_t bucket_of(std::uint64_t ns) noexcept;
    static std::uint64_t upper_bound_of(std::size_t bucket) noexcept;

private:
    // Relaxed throughout: counters read only after the run's results are all in (the read is
    // ordered by the mutex/condition the driver waited on), or as a live estimate.
    std::array<std::atomic<std::uint64_t>, k_latency_buckets> buckets_{};
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> max_ns_{0};
};

}  // namespace sluice::cli
