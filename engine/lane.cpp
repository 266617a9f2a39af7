// lane.cpp — lane names as pipeline JSON spells them, and which lanes carry binary or JSON.
#include <sluice/lane.hpp>

namespace sluice {
namespace {

// Indexed by the enum's value; the order must match `Lane`.
// clang-format off
constexpr std::array<std::string_view, k_lane_count> k_lane_names = {
    "tags",  "text",  "documents", "questions",       "answers",
    "table", "image", "audio",     "video",           "classifications",
    "classificationContext",       "words",
};
// clang-format on

}  // namespace

std::string_view to_string(Lane lane) noexcept {
    auto index = static_cast<std::size_t>(lane);
    return index < k_lane_names.size() ? k_lane_names[index] : std::string_view("unknown");
}

std::optional<Lane> lane_from_string(std::string_view name) noexcept {
    for (Lane lane : k_all_lanes)
        if (k_lane_names[static_cast<std::size_t>(lane)] == name) return lane;
    return std::nullopt;
}

bool is_binary_lane(Lane lane) noexcept {
    switch (lane) {
        case Lane::tags:
        case Lane::image:
        case Lane::audio:
        case Lane::video: return true;
        default: return false;
    }
}

bool is_json_lane(Lane lane) noexcept {
    switch (lane) {
        case Lane::documents:
        case Lane::questions:
        case Lane::answers:
        case Lane::classifications:
        case Lane::classification_context: return true;
        default: return false;
    }
}

}  // namespace sluice
