// suspects.hpp — isolating a poison object. A redelivered object (a "suspect": its worker died
// or hung while it ran) is held and run alone on its worker: nothing else runs meanwhile and no
// more objects are fetched. Before it starts, KV sluice_suspects records that it ran alone; if
// that record already exists when it comes back, it crashed its worker on its own: it gets a
// failed result instead of a run. Without this, every object fetched with a poison object dies
// with it on each delivery and reaches MaxDeliver too.
#pragma once

#include <deque>
#include <string>

#include "layout.hpp"

namespace sluice::cluster {

struct HeldObject {
    std::uint64_t sequence = 0;
    std::uint64_t delivered = 0;
    std::string token;
    std::string object_id;
    natsMsg* msg = nullptr;  // owned by the in-flight table
};

class Suspects {
public:
    Suspects(jsCtx* js, const LayoutOptions& layout);

    void hold(HeldObject object) { held_.push_back(std::move(object)); }
    bool empty() const noexcept { return held_.empty(); }
    std::size_t size() const noexcept { return held_.size(); }
    HeldObject next();
    // True when `object_id` already ran alone once and never came back with a result.
    bool convicted(const std::string& object_id);
    void record_alone_run(const std::string& object_id);

private:
    KvPtr kv_;
    std::deque<HeldObject> held_;
};

std::string convicted_reason(const std::string& object_id, std::uint64_t delivered);

}  // namespace sluice::cluster
