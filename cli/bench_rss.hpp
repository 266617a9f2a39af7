// bench_rss.hpp — the process's peak resident memory over one run of `sluice bench`.
#pragma once

#include <cstdint>

namespace sluice::cli {

// Starts a new peak (Linux: /proc/self/clear_refs); false when the kernel would not, and the
// peak read next is the process's whole life's.
bool reset_peak_rss() noexcept;

// Bytes: VmHWM from /proc/self/status, else getrusage's ru_maxrss; 0 when neither answers.
std::uint64_t peak_rss_bytes() noexcept;

}  // namespace sluice::cli
