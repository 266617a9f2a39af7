// work.cpp — the shared per-item work and its calibration.
#include "work.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

namespace bench {
namespace {

double g_iterations_per_micro = 100;

std::uint64_t spin(std::uint64_t iterations) noexcept {
    // A dependent chain of multiply-adds: no memory traffic, cannot be vectorised away.
    std::uint64_t x = 0x9e3779b97f4a7c15ull;
    for (std::uint64_t i = 0; i < iterations; ++i) x = x * 6364136223846793005ull + i;
    return x;
}

}  // namespace

std::string copy_text(std::string_view text) { return std::string(text); }

std::uint64_t cpu_work(double micros) noexcept {
    return spin(static_cast<std::uint64_t>(micros * g_iterations_per_micro));
}

void calibrate_cpu_work() {
    // The fastest of several tries: a shared machine only ever makes a try slower.
    constexpr std::uint64_t k_iterations = 2'000'000;
    std::vector<double> per_micro;
    volatile std::uint64_t sink = 0;
    for (int i = 0; i < 7; ++i) {
        auto start = std::chrono::steady_clock::now();
        sink = sink + spin(k_iterations);
        double micros =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        per_micro.push_back(k_iterations / std::max(micros, 1.0));
    }
    g_iterations_per_micro = *std::max_element(per_micro.begin(), per_micro.end());
}

double cpu_work_iterations_per_micro() noexcept { return g_iterations_per_micro; }

Valve& valve() noexcept {
    static Valve v;
    return v;
}

std::string text_64() {
    return std::string("sluice benchmark payload: sixty-four bytes of text 0123456789abc");
}

}  // namespace bench
