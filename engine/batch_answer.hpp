// batch_answer.hpp — the one callback of a send_batch, shared by the batch's objects: each
// object holds a BatchSlot (the batch and its index), and the last slot to go frees the batch.
// One count per batch instead of a std::function (and a promise) per object.
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

#include <sluice/result.hpp>

namespace sluice::detail {

class BatchAnswer {
public:
    // Holds `holds` references: one per object the batch may send, and the sender's own.
    static BatchAnswer* make(BatchCallback callback, std::size_t holds) {
        return new BatchAnswer(std::move(callback), holds);
    }
    void call(std::size_t index, Result&& result) const {
        if (callback_) callback_(index, std::move(result));
    }
    void release(std::size_t holds = 1) noexcept {
        // acq_rel: whoever frees the batch sees every call made through the other holds.
        if (holds_.fetch_sub(holds, std::memory_order_acq_rel) == holds) delete this;
    }

private:
    BatchAnswer(BatchCallback callback, std::size_t holds)
        : callback_(std::move(callback)), holds_(holds) {}
    BatchCallback callback_;
    std::atomic<std::size_t> holds_;
};

// One object's place in its batch: gives its hold back when the object goes.
class BatchSlot {
public:
    BatchSlot(BatchAnswer* batch, std::size_t index) noexcept : batch_(batch), index_(index) {}
    BatchSlot(BatchSlot&& other) noexcept
        : batch_(std::exchange(other.batch_, nullptr)), index_(other.index_) {}
    BatchSlot& operator=(BatchSlot&& other) noexcept {
        std::swap(batch_, other.batch_);
        std::swap(index_, other.index_);
        return *this;
    }
    ~BatchSlot() {
        if (batch_) batch_->release();
    }
    void call(Result&& result) const { batch_->call(index_, std::move(result)); }

private:
    BatchAnswer* batch_;
    std::size_t index_;
};

}  // namespace sluice::detail
