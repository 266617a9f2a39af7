// dedupe.cpp — `dedupe`: drops an item whose payload was already seen in this task. Memory is
// bounded: it keeps the 128-bit XXH3 of at most `max_entries` payloads, forgetting the oldest.
#include <xxhash.h>

#include <cctype>
#include <deque>
#include <mutex>
#include <unordered_set>

#include "builtin_nodes.hpp"
#include "item_metadata.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

struct KeyHash {
    std::size_t operator()(const XXH128_hash_t& h) const noexcept {
        return static_cast<std::size_t>(h.low64);
    }
};
struct KeyEqual {
    bool operator()(const XXH128_hash_t& a, const XXH128_hash_t& b) const noexcept {
        return XXH128_isEqual(a, b) != 0;
    }
};

// Lower-cased ASCII, whitespace runs as one space, trimmed: "Hello  World " == "hello world".
std::string normalized(std::string_view text) {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isspace(u)) {
            if (!out.empty() && out.back() != ' ') out += ' ';
        } else {
            out += static_cast<char>(std::tolower(u));
        }
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

class DedupeNode final : public Node {
public:
    DedupeNode(std::size_t max_entries, bool normalize) : max_(max_entries), normalize_(normalize) {}

    void process(Item item, Emitter& out) override {
        const std::string key = normalize_ ? normalized(item.data()) : std::string();
        std::string_view bytes = normalize_ ? std::string_view(key) : item.data();
        const XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
        {
            std::lock_guard lock(mutex_);
            if (!seen_.insert(h).second) return;  // a duplicate: dropped
            order_.push_back(h);
            if (order_.size() > max_) {
                seen_.erase(order_.front());
                order_.pop_front();
            }
        }
        out.emit(std::move(item));
    }

private:
    std::size_t max_;
    bool normalize_;
    std::mutex mutex_;  // guards seen_ and order_; hashing happens outside it
    std::unordered_set<XXH128_hash_t, KeyHash, KeyEqual> seen_;
    std::deque<XXH128_hash_t> order_;
};

}  // namespace

std::vector<Provider> dedupe_providers() {
    NodeInfo info;
    info.description = "drops items whose payload was already seen in the task (bounded memory)";
    info.lanes = same_lane_rules();
    info.concurrency = Concurrency::unlimited;  // a mutex around the seen-set
    info.config = {
        {"max_entries", ConfigType::integer, "payload hashes remembered (default 100000)"},
        {"normalize", ConfigType::boolean, "compare lower-cased, whitespace-collapsed text"},
    };
    std::vector<Provider> out;
    out.push_back({"dedupe", std::move(info), [](const NodeContext& ctx) {
                       return std::make_unique<DedupeNode>(
                           static_cast<std::size_t>(config_int(ctx.config, "max_entries", 100'000, 1, 100'000'000)),
                           ctx.config.get_bool("normalize", false));
                   }});
    return out;
}

}  // namespace sluice::nodes
