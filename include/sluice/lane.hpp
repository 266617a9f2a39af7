// sluice/lane.hpp — the named channels data travels on between nodes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

enum class Lane : std::uint8_t {
    tags,  // raw object bytes as they arrive at a source
    text,
    documents,
    questions,
    answers,
    table,
    image,
    audio,
    video,
    classifications,
    classification_context,
    words,
};

inline constexpr std::size_t k_lane_count = 12;

inline constexpr std::array<Lane, k_lane_count> k_all_lanes = {
    Lane::tags,  Lane::text,  Lane::documents, Lane::questions,       Lane::answers,
    Lane::table, Lane::image, Lane::audio,     Lane::video,           Lane::classifications,
    Lane::classification_context, Lane::words,
};

// The name used in pipeline JSON ("text", "classificationContext", ...).
std::string_view to_string(Lane lane) noexcept;
std::optional<Lane> lane_from_string(std::string_view name) noexcept;

// Lanes whose payload is binary (reported base64-encoded in results).
bool is_binary_lane(Lane lane) noexcept;
// Lanes whose payload is a JSON document (documents, questions, answers, classifications).
bool is_json_lane(Lane lane) noexcept;

}  // namespace sluice
