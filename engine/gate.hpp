// gate.hpp — a task's input gate: one atomic word holding the closed bit and the number of
// sends currently inside. Closing is immediate; the closer then waits for the sends inside.
#pragma once

#include <atomic>
#include <cstdint>

namespace sluice::detail {

class Gate {
public:
    // Enters the gate; false when it is closed (nothing was entered then).
    bool enter() noexcept {
        // acquire: pairs with nothing in particular; the RMW order on `word_` alone decides
        // whether this send came before or after close().
        std::uint64_t prev = word_.fetch_add(1, std::memory_order_acquire);
        if (prev & k_closed) {
            leave();
            return false;
        }
        return true;
    }

    void leave() noexcept {
        // release: everything the sender did inside (its put into the graph, the counters) is
        // visible to the closer once it sees the count reach zero.
        std::uint64_t prev = word_.fetch_sub(1, std::memory_order_release);
        if ((prev & k_closed) && (prev & k_count) == 1) word_.notify_all();
    }

    // Closes the gate; true for the one call that closed it.
    bool close() noexcept {
        return !(word_.fetch_or(k_closed, std::memory_order_acq_rel) & k_closed);
    }

    bool closed() const noexcept { return word_.load(std::memory_order_acquire) & k_closed; }
    std::uint64_t inside() const noexcept { return word_.load(std::memory_order_acquire) & k_count; }

    // After close(): returns once every send that entered before it has left. Bounded by the
    // senders themselves: a send inside only waits for capacity, which the drain keeps freeing
    // or the deadline cancels.
    void wait_for_senders() const noexcept {
        std::uint64_t w = word_.load(std::memory_order_acquire);
        while (w & k_count) {
            word_.wait(w, std::memory_order_acquire);
            w = word_.load(std::memory_order_acquire);
        }
    }

private:
    static constexpr std::uint64_t k_closed = std::uint64_t{1} << 63;
    static constexpr std::uint64_t k_count = k_closed - 1;
    std::atomic<std::uint64_t> word_{0};
};

// Leaves the gate on scope exit.
class GateTicket {
public:
    explicit GateTicket(Gate& gate) noexcept : gate_(gate) {}
    ~GateTicket() { gate_.leave(); }
    GateTicket(const GateTicket&) = delete;
    GateTicket& operator=(const GateTicket&) = delete;

private:
    Gate& gate_;
};

}  // namespace sluice::detail
