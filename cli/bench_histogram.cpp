// bench_histogram.cpp — bucket arithmetic and percentiles of the latency histogram.
#include "bench_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace sluice::cli {
namespace {

constexpr unsigned k_sub_bits = 4;  // 16 buckets per power of two
constexpr std::uint64_t k_sub = std::uint64_t{1} << k_sub_bits;

}  // namespace

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) noexcept {
    if (ns < k_sub) return static_cast<std::size_t>(ns);
    const unsigned top = 63u - static_cast<unsigned>(std::countl_zero(ns));  // >= k_sub_bits
    const std::uint64_t sub = (ns >> (top - k_sub_bits)) & (k_sub - 1);
    return static_cast<std::size_t>((top - k_sub_bits + 1) * k_sub + sub);
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t bucket) noexcept {
    if (bucket < k_sub) return bucket;
    const unsigned top = static_cast<unsigned>(bucket / k_sub) + k_sub_bits - 1;
    const std::uint64_t sub = bucket % k_sub;
    const unsigned shift = top - k_sub_bits;
    const std::uint64_t low = (k_sub + sub) << shift;
    return low + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t ns) noexcept {
    buckets_[bucket_of(ns)].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    std::uint64_t seen = max_ns_.load(std::memory_order_relaxed);
    while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {}
}

LatencyCounts LatencyHistogram::counts() const noexcept {
    LatencyCounts out;
    for (std::size_t i = 0; i < k_latency_buckets; ++i)
        out.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
    out.count = count_.load(std::memory_order_relaxed);
    out.max_ns = max_ns_.load(std::memory_order_relaxed);
    return out;
}

void LatencyCounts::merge(const LatencyCounts& other) noexcept {
    for (std::size_t i = 0; i < k_latency_buckets; ++i) buckets[i] += other.buckets[i];
    count += other.count;
    max_ns = std::max(max_ns, other.max_ns);
}

std::uint64_t LatencyCounts::percentile_ns(double q) const noexcept {
    std::uint64_t total = 0;
    for (std::uint64_t b : buckets) total += b;
    if (total == 0) return 0;
    const auto rank = static_cast<std::uint64_t>(
        std::max(1.0, std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(total))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < k_latency_buckets; ++i) {
        seen += buckets[i];
        if (seen >= rank) return std::min(LatencyHistogram::upper_bound_of(i), max_ns);
    }
    return max_ns;
}

}  // namespace sluice::cli
