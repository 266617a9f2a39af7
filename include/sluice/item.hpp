// sluice/item.hpp — what flows on a lane: a payload, its lane, and the object it belongs to.
//
// An object (one send, or one streamed pipe) stays in flight while any Item referencing it
// exists. When the last one is gone the object is complete and its result is delivered. So a
// node that buffers Items (a batcher) keeps their objects open until it emits them in finish(),
// and nothing it holds can be lost or answered early.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <sluice/json.hpp>
#include <sluice/lane.hpp>

namespace sluice {

// What the caller says about an object it sends.
struct ObjectInfo {
    std::string name;  // empty: the engine names it with a fresh UUID
    std::string path;
    Json metadata;     // free-form, visible to nodes
};

namespace detail {
// Intrusive reference count shared by every Item of one object; the engine owns the rest.
struct ObjectCore {
    std::atomic<std::uint32_t> refs{1};
};
// Called once when the last reference goes: completes the object (never throws).
void release_last_object_ref(ObjectCore* core) noexcept;
}  // namespace detail

// A counted handle to an object in flight.
class ObjectRef {
public:
    ObjectRef() = default;
    // Adopts one reference already counted in `core`.
    explicit ObjectRef(detail::ObjectCore* core) noexcept : core_(core) {}
    ObjectRef(const ObjectRef& other) noexcept : core_(other.core_) { retain(); }
    ObjectRef(ObjectRef&& other) noexcept : core_(other.core_) { other.core_ = nullptr; }
    ObjectRef& operator=(const ObjectRef& other) noexcept {
        ObjectRef copy(other);
        swap(copy);
        return *this;
    }
    ObjectRef& operator=(ObjectRef&& other) noexcept {
        ObjectRef moved(std::move(other));
        swap(moved);
        return *this;
    }
    ~ObjectRef() { release(); }

    void swap(ObjectRef& other) noexcept { std::swap(core_, other.core_); }
    void reset() noexcept {
        release();
        core_ = nullptr;
    }
    explicit operator bool() const noexcept { return core_ != nullptr; }
    detail::ObjectCore* core() const noexcept { return core_; }

    std::string_view id() const noexcept;    // the object's UUID
    std::string_view name() const noexcept;  // ObjectInfo::name, or the UUID it was given
    std::string_view mime() const noexcept;
    const ObjectInfo& info() const noexcept;

    // Result writing, used by sink nodes. Thread-safe; ignored once the object is resolved.
    // add_result appends `value` as one entry of the list under `key`.
    void add_result(std::string_view key, Lane lane, std::string value) const;
    // append_result_text appends `chunk` then `suffix`, together, to one text buffer under
    // `key`, which becomes one list entry when the object completes (RocketRide's response node
    // does this for the text lane). Pieces are joined in `order` (pass Item::sequence(), so the
    // chunks of a streamed pipe keep their write order even when the graph reorders them), then
    // in arrival order.
    void append_result_text(std::string_view key, Lane lane, std::string_view chunk,
                            std::string_view suffix = {}, std::uint32_t order = 0) const;
    // Marks the object failed with `reason` (the first reason wins); it still drains normally.
    void fail(std::string_view reason) const;
    // A problem that is not a failure (say, a MIME type a parser cannot read): listed in the
    // object's result and in its task's status.
    void warn(std::string_view message) const;
    // Adds to the task's word counters (TaskStatus::words_count / words_size).
    void count_words(std::uint64_t words, std::uint64_t bytes) const;

private:
    void retain() const noexcept {
        // relaxed: taking another reference needs no ordering, as with shared_ptr.
        if (core_) core_->refs.fetch_add(1, std::memory_order_relaxed);
    }
    void release() noexcept {
        // acq_rel: the last releaser must see every write made through the other references.
        if (core_ && core_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
            detail::release_last_object_ref(core_);
    }
    detail::ObjectCore* core_ = nullptr;
};

using Payload = std::shared_ptr<const std::string>;

class Item {
public:
    Item() = default;
    Item(Lane lane, ObjectRef object, Payload payload,
         std::shared_ptr<const Json> metadata = nullptr, std::uint32_t sequence = 0) noexcept
        : object_(std::move(object)),
          payload_(std::move(payload)),
          metadata_(std::move(metadata)),
          lane_(lane),
          sequence_(sequence) {}

    Lane lane() const noexcept { return lane_; }
    const ObjectRef& object() const noexcept { return object_; }
    std::string_view data() const noexcept {
        return payload_ ? std::string_view(*payload_) : std::string_view();
    }
    std::size_t size() const noexcept { return payload_ ? payload_->size() : 0; }
    const Payload& payload() const noexcept { return payload_; }
    // Per-item metadata (chunk index, offsets, ...); nullptr when none.
    const Json* metadata() const noexcept { return metadata_.get(); }
    // The index of the write that produced this item within its object (0 for a plain send,
    // 0, 1, 2... for the writes of a pipe); derived items keep it.
    std::uint32_t sequence() const noexcept { return sequence_; }

    // A derived item: same object, metadata and sequence, new payload on `lane`.
    Item with(Lane lane, std::string data) const {
        return Item(lane, object_, std::make_shared<const std::string>(std::move(data)), metadata_,
                    sequence_);
    }
    // The same payload (shared, not copied) on another lane.
    Item with_lane(Lane lane) const { return Item(lane, object_, payload_, metadata_, sequence_); }
    Item with_metadata(Json metadata) const {
        return Item(lane_, object_, payload_, std::make_shared<const Json>(std::move(metadata)),
                    sequence_);
    }

private:
    ObjectRef object_;
    Payload payload_;
    std::shared_ptr<const Json> metadata_;
    Lane lane_ = Lane::tags;
    std::uint32_t sequence_ = 0;
};

}  // namespace sluice
