// object.cpp — ObjectRef's accessors and result writing, and what happens when an object's
// last reference goes (the Task delivers its result).
#include <algorithm>

#include "object_state.hpp"
#include "task.hpp"

namespace sluice {
namespace detail {

ObjectState::Slot& ObjectState::slot(std::string_view key, Lane lane) {
    for (Slot& s : slots)
        if (s.field.key == key) return s;
    Slot& s = slots.emplace_back();
    s.field.key = std::string(key);
    s.field.lane = lane;
    return s;
}

Result ObjectState::take_result() {
    Result r;
    r.name = std::string(name_view());
    r.path = info.path;
    r.object_id = std::string(id_view());
    r.fields.reserve(slots.size());
    for (Slot& s : slots) {
        if (s.has_text) s.field.values.push_back(std::move(s.text));
        r.fields.push_back(std::move(s.field));
    }
    slots.clear();
    r.error = std::move(error);
    return r;
}

void release_last_object_ref(ObjectCore* core) noexcept {
    ObjectState* object = object_state(core);
    // The task outlives this call: `object->task` is a strong reference.
    std::shared_ptr<Task> task = std::move(object->task);
    task->complete_object(object);
    delete object;
}

}  // namespace detail

std::string_view ObjectRef::id() const noexcept {
    return core_ ? detail::object_state(core_)->id_view() : std::string_view();
}

std::string_view ObjectRef::name() const noexcept {
    return core_ ? detail::object_state(core_)->name_view() : std::string_view();
}

std::string_view ObjectRef::mime() const noexcept {
    return core_ ? std::string_view(detail::object_state(core_)->mime) : std::string_view();
}

const ObjectInfo& ObjectRef::info() const noexcept {
    static const ObjectInfo k_none;
    return core_ ? detail::object_state(core_)->info : k_none;
}

void ObjectRef::add_result(std::string_view key, Lane lane, std::string value) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    o->slot(key, lane).field.values.push_back(std::move(value));
}

void ObjectRef::append_result_text(std::string_view key, Lane lane, std::string_view chunk,
                                   std::string_view suffix) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    auto& s = o->slot(key, lane);
    s.text.append(chunk);
    s.text.append(suffix);
    s.has_text = true;
}

void ObjectRef::fail(std::string_view reason) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    if (o->error.empty()) o->error = std::string(reason.empty() ? "failed" : reason);
}

}  // namespace sluice
