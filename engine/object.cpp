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

namespace {
std::string join_text(ObjectState::Slot& slot) {
    if (slot.more.empty()) return std::move(slot.text);
    auto& pieces = slot.more;
    pieces.emplace(pieces.begin(), slot.text_order, std::move(slot.text));  // the first arrival
    std::stable_sort(pieces.begin(), pieces.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t size = 0;
    for (const auto& piece : pieces) size += piece.second.size();
    std::string text;
    text.reserve(size);
    for (const auto& piece : pieces) text += piece.second;
    return text;
}
}  // namespace

const ObjectInfo& no_object_info() noexcept {
    static const ObjectInfo k_none;
    return k_none;
}

ObjectState::Problems& ObjectState::problems() {
    if (!problems_) problems_ = std::make_unique<Problems>();
    return *problems_;
}

Result ObjectState::take_result() {
    Result r;
    // The id is not copied into the name as well (a second allocation per object): an unnamed
    // object's name stays empty, and serialising names it by its id.
    if (info_) {
        r.name = info_->name;
        r.path = info_->path;
    }
    r.object_id = std::string(id_view());
    r.fields.reserve(slots.size());
    for (Slot& s : slots) {
        if (s.has_text) s.field.values.push_back(join_text(s));
        r.fields.push_back(std::move(s.field));
    }
    slots.clear();
    if (problems_) {
        r.error = std::move(problems_->error);
        r.warnings = std::move(problems_->warnings);
    }
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
    return core_ ? detail::object_state(core_)->info() : detail::no_object_info();
}

void ObjectRef::add_result(std::string_view key, Lane lane, std::string value) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    o->slot(key, lane).field.values.push_back(std::move(value));
}

void ObjectRef::append_result_text(std::string_view key, Lane lane, std::string_view chunk,
                                   std::string_view suffix, std::uint32_t order) const {
    if (!core_) return;
    std::string piece;
    piece.reserve(chunk.size() + suffix.size());
    piece.append(chunk).append(suffix);
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    detail::ObjectState::Slot& s = o->slot(key, lane);
    if (!s.has_text) {
        s.has_text = true;
        s.text_order = order;
        s.text = std::move(piece);
        return;
    }
    // The common case, pieces arriving in order: extend the last one instead of adding another.
    const bool first = s.more.empty();
    if ((first ? s.text_order : s.more.back().first) == order)
        (first ? s.text : s.more.back().second) += piece;
    else
        s.more.emplace_back(order, std::move(piece));
}

void ObjectRef::fail(std::string_view reason) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    std::lock_guard lock(o->mutex);
    std::string& error = o->problems().error;
    if (error.empty()) error = std::string(reason.empty() ? "failed" : reason);
}

void ObjectRef::warn(std::string_view message) const {
    if (!core_) return;
    auto* o = detail::object_state(core_);
    {
        std::lock_guard lock(o->mutex);
        o->problems().warnings.emplace_back(message);
    }
    o->task->add_warning(o->name_view(), message);
}

void ObjectRef::count_words(std::uint64_t words, std::uint64_t bytes) const {
    if (core_) detail::object_state(core_)->task->count_words(words, bytes);
}

}  // namespace sluice
