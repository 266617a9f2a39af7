// object_state.hpp — one object in flight: its identity, the result its sinks collect, and
// how its result reaches the sender. Freed when the last Item referencing it is gone.
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <sluice/engine.hpp>
#include <sluice/item.hpp>
#include <sluice/result.hpp>

#include "alloc.hpp"
#include "batch_answer.hpp"
#include "uuid.hpp"

namespace sluice::detail {

class Task;

// A one-word mutex for an object's result: std::mutex takes 40 bytes, and one lives in every
// object in flight. 0 free, 1 held, 2 held with a sleeper (Drepper, "Futexes Are Tricky").
class ObjectLock {
public:
    void lock() noexcept {
        std::uint32_t seen = 0;
        // acquire: the previous holder's writes under the lock are visible to this one.
        if (state_.compare_exchange_strong(seen, 1, std::memory_order_acquire)) return;
        if (seen != 2) seen = state_.exchange(2, std::memory_order_acquire);
        while (seen != 0) {
            state_.wait(2, std::memory_order_relaxed);  // futex wait while the word is 2
            seen = state_.exchange(2, std::memory_order_acquire);
        }
    }
    void unlock() noexcept {
        // release: publishes this holder's writes to the next one.
        if (state_.exchange(0, std::memory_order_release) == 2) state_.notify_all();
    }

private:
    std::atomic<std::uint32_t> state_{0};
};

// The ObjectInfo of an object sent without name, path or metadata (most are): not stored.
const ObjectInfo& no_object_info() noexcept;

struct ObjectState final : ObjectCore {
    ObjectState(std::shared_ptr<Task> owner, ObjectInfo&& object_info, std::string_view mime_type,
                std::uint64_t bytes)
        : size_in(bytes),
          task(std::move(owner)),
          info_(object_info.name.empty() && object_info.path.empty() &&
                        object_info.metadata.is_null()
                    ? nullptr
                    : std::make_unique<ObjectInfo>(std::move(object_info))),
          mime(mime_type),
          id(make_uuid()) {}

    // From the engine's allocator: allocated by the sender, freed by a worker.
    static void* operator new(std::size_t size) { return engine_allocate(size); }
    static void operator delete(void* p) noexcept { engine_deallocate(p); }

    std::string_view id_view() const noexcept { return {id.data(), id.size()}; }
    std::string_view name_view() const noexcept {
        return !info_ || info_->name.empty() ? id_view() : std::string_view(info_->name);
    }
    const ObjectInfo& info() const noexcept { return info_ ? *info_ : no_object_info(); }

    // A result key being collected. What append_result_text added is joined, in order, into
    // one entry of `field.values` when the object completes: the first piece is `text` (most
    // objects have one: no list to allocate), later ones with another order go to `more`.
    struct Slot {
        ResultField field;
        bool has_text = false;
        std::uint32_t text_order = 0;
        std::string text;
        std::vector<std::pair<std::uint32_t, std::string>> more;
    };
    Slot& slot(std::string_view key, Lane lane);  // caller holds `mutex`
    // What fail() and warn() recorded, allocated on the first of them (caller holds `mutex`).
    struct Problems {
        std::string error;
        std::vector<std::string> warnings;
    };
    Problems& problems();
    // Moves what was collected into a Result (caller holds `mutex`).
    Result take_result();

    // First: it fills the 4 bytes after ObjectCore's count, so the state stays 224 bytes.
    ObjectLock mutex;  // guards slots and problems_
    // Bytes sent for this object; a pipe's writes add to it under the pipe's mutex, before the
    // pipe's hold goes (so the releasing thread sees them).
    std::uint64_t size_in;
    std::shared_ptr<Task> task;  // keeps the task alive while any of its objects is
    std::unique_ptr<ObjectInfo> info_;  // null when the sender gave none: see info()
    std::string mime;
    UuidText id;
    // How the result is delivered, chosen before the object enters the graph: to a callback
    // (callback sends and pipes), through a promise, made only for a send that returned a
    // future (its shared state is an allocation and a free a callback send need not pay), or
    // to its batch's callback (send_batch).
    using Promise = std::promise<Result>;
    std::variant<ResultCallback, Promise, BatchSlot> answer;
    std::future<Result> make_future() {
        return answer.emplace<Promise>(std::allocator_arg, EngineAllocator<Result>()).get_future();
    }
    Promise* promise() noexcept { return std::get_if<Promise>(&answer); }

    std::vector<Slot> slots;
    std::unique_ptr<Problems> problems_;  // null until something failed or warned

    // Set by whoever delivers the result first: normal completion, or the drain deadline.
    std::atomic<bool> resolved{false};

    // The task's list of live objects (guarded by the mutex of the task's shard for it).
    ObjectState* prev = nullptr;
    ObjectState* next = nullptr;
};

inline ObjectState* object_state(ObjectCore* core) noexcept {
    return static_cast<ObjectState*>(core);
}

}  // namespace sluice::detail
