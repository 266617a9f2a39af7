// send_batch.cpp — many objects from one call: one gate entry, one token lookup, one push into
// the inbox per chunk, and one callback for the batch (no promise, no std::function per object).
#include <algorithm>
#include <vector>

#include "batch_answer.hpp"
#include "runtime.hpp"
#include "task.hpp"

namespace sluice::detail {
namespace {

constexpr std::size_t k_batch_chunk = 64;  // objects handed to the inbox at once

}  // namespace

std::size_t Task::send_batch(std::shared_ptr<Task> self, std::span<const Payload> data,
                             std::string_view mime, BatchCallback on_result) {
    if (data.empty()) return 0;
    if (!life_.gate().enter()) throw_terminated();
    GateTicket ticket(life_.gate());
    const Lane lane = entry_lane(mime);
    std::vector<Item> ready;
    ready.reserve(std::min(data.size(), k_batch_chunk));
    // A hold per object it may send and one for this call, given back below for those it did
    // not send: no count traffic per object on the sender's side.
    BatchAnswer* batch = BatchAnswer::make(std::move(on_result), data.size() + 1);
    std::size_t sent = 0;
    try {
        for (; sent < data.size(); ++sent) {
            const std::uint64_t size = data[sent] ? data[sent]->size() : 0;
            ObjectState* object = admit(self, size, mime, ObjectInfo{}, Admission::no_wait);
            if (!object) {
                // Full: this batch's own objects must be in the graph before it waits, or they
                // would hold the capacity it waits for.
                runtime_->inbox->push_all(ready);
                object = admit(self, size, mime, ObjectInfo{});
            }
            object->answer.emplace<BatchSlot>(batch, sent);           // before any worker sees it
            ready.emplace_back(lane, ObjectRef(object), data[sent]);  // reserved: no throw
            if (ready.size() == k_batch_chunk) runtime_->inbox->push_all(ready);
        }
    } catch (...) {
        // Nothing sent: the caller learns why. Else it learns how many were sent, and may send
        // the rest again to learn why they were refused.
        if (sent == 0) {
            batch->release(data.size() + 1);
            throw;
        }
    }
    batch->release(data.size() - sent + 1);
    runtime_->inbox->push_all(ready);
    return sent;
}

}  // namespace sluice::detail
