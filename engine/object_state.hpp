// object_state.hpp — one object in flight: its identity, the result its sinks collect, and
// the promise its sender waits on. Freed when the last Item referencing it is gone.
#pragma once

#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/engine.hpp>
#include <sluice/item.hpp>
#include <sluice/result.hpp>

#include "alloc.hpp"
#include "uuid.hpp"

namespace sluice::detail {

class Task;

struct ObjectState final : ObjectCore {
    ObjectState(std::shared_ptr<Task> owner, ObjectInfo object_info, std::string_view mime_type,
                std::uint64_t bytes)
        : task(std::move(owner)),
          info(std::move(object_info)),
          mime(mime_type),
          id(make_uuid()),
          size_in(bytes) {}

    // From the engine's allocator: allocated by the sender, freed by a worker.
    static void* operator new(std::size_t size) { return engine_allocate(size); }
    static void operator delete(void* p) noexcept { engine_deallocate(p); }

    std::string_view id_view() const noexcept { return {id.data(), id.size()}; }
    std::string_view name_view() const noexcept {
        return info.name.empty() ? id_view() : std::string_view(info.name);
    }

    // A result key being collected; `pieces` are what append_result_text added, joined in
    // their order into one entry of `field.values` when the object completes.
    struct Slot {
        ResultField field;
        std::vector<std::pair<std::uint32_t, std::string>> pieces;
    };
    Slot& slot(std::string_view key, Lane lane);  // caller holds `mutex`
    // Moves what was collected into a Result (caller holds `mutex`).
    Result take_result();

    std::shared_ptr<Task> task;  // keeps the task alive while any of its objects is
    ObjectInfo info;
    std::string mime;
    UuidText id;
    std::uint64_t size_in;
    // How the result is delivered: to `callback` when set (before the object enters the
    // graph), else through `promise`.
    std::promise<Result> promise{std::allocator_arg, EngineAllocator<Result>()};
    ResultCallback callback;

    std::mutex mutex;  // guards slots, error and warnings
    std::vector<Slot> slots;
    std::string error;
    std::vector<std::string> warnings;

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
