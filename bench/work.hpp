// work.hpp — the per-item work, shared: a sluice bench node and its hand-written oneTBB
// baseline call literally the same functions, so the two sides differ only in the engine.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

// The trivial node's work: copy the item's text (64 bytes in scenarios 1 and 2).
std::string copy_text(std::string_view text);

// The CPU-heavy node's work: burns about `micros` microseconds of one core's arithmetic
// (calibrated once by calibrate_cpu_work), returning a value so it cannot be optimised away.
std::uint64_t cpu_work(double micros) noexcept;
void calibrate_cpu_work();
double cpu_work_iterations_per_micro() noexcept;

// Holds node bodies until opened: lets a scenario put K objects in flight before timing.
// A benchmark load control, not a synchronisation shortcut: bodies block in an atomic wait.
class Valve {
public:
    void close() noexcept { open_.store(false, std::memory_order_release); }
    void open() noexcept {
        open_.store(true, std::memory_order_release);
        open_.notify_all();
    }
    void pass() const noexcept {
        while (!open_.load(std::memory_order_acquire)) open_.wait(false, std::memory_order_acquire);
    }

private:
    std::atomic<bool> open_{true};
};

// The one valve the bench_valve node and the baselines use (scenarios run one at a time).
Valve& valve() noexcept;

// 64 bytes of text, the payload of scenarios 1, 2 and 6.
std::string text_64();

}  // namespace bench
