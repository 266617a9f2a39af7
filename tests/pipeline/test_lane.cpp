// test_lane.cpp — lane names as pipeline JSON spells them, and the binary / JSON lane sets.
#include <doctest/doctest.h>

#include <sluice/lane.hpp>

using sluice::Lane;

TEST_SUITE("lane") {

TEST_CASE("every lane has its pipeline JSON name and parses back from it") {
    const char* names[] = {"tags",  "text",  "documents", "questions", "answers",
                           "table", "image", "audio",     "video",     "classifications",
                           "classificationContext",       "words"};
    for (std::size_t i = 0; i < sluice::k_lane_count; ++i) {
        Lane lane = sluice::k_all_lanes[i];
        CHECK(sluice::to_string(lane) == names[i]);
        CHECK(sluice::lane_from_string(names[i]) == lane);
    }
}

TEST_CASE("unknown or differently spelt lane names are not lanes") {
    CHECK_FALSE(sluice::lane_from_string("txt").has_value());
    CHECK_FALSE(sluice::lane_from_string("Text").has_value());
    CHECK_FALSE(sluice::lane_from_string("classification_context").has_value());
    CHECK_FALSE(sluice::lane_from_string("").has_value());
}

TEST_CASE("tags, image, audio and video are binary lanes") {
    for (Lane lane : sluice::k_all_lanes) {
        bool binary = lane == Lane::tags || lane == Lane::image || lane == Lane::audio ||
                      lane == Lane::video;
        CHECK_MESSAGE(sluice::is_binary_lane(lane) == binary, sluice::to_string(lane));
    }
}

TEST_CASE("documents, questions, answers and the classification lanes carry JSON") {
    for (Lane lane : sluice::k_all_lanes) {
        bool json = lane == Lane::documents || lane == Lane::questions || lane == Lane::answers ||
                    lane == Lane::classifications || lane == Lane::classification_context;
        CHECK_MESSAGE(sluice::is_json_lane(lane) == json, sluice::to_string(lane));
    }
}

}  // TEST_SUITE
