// sluice/result.hpp — what one object produced after passing the whole pipeline.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/lane.hpp>

namespace sluice {

// One key of the result: what the sinks collected under it, in arrival order.
struct ResultField {
    std::string key;  // the lane name, or the name a response node's config gave it
    Lane lane;
    std::vector<std::string> values;
};

struct Result {
    // ObjectInfo::name as sent; empty when the sender gave none (most do not): such an object
    // is named by its id, which to_json writes as its "name" and display_name() returns.
    std::string name;
    std::string path;
    std::string object_id;  // a fresh UUID per object
    std::vector<ResultField> fields;
    std::string error;                  // empty when the object completed; else why it failed
    std::vector<std::string> warnings;  // problems that did not fail the object

    bool ok() const noexcept { return error.empty(); }
    std::string_view display_name() const noexcept { return name.empty() ? object_id : name; }
    const ResultField* field(std::string_view key) const noexcept;
};

// The RocketRide result shape: {"name" (display_name()),"path","objectId","result_types":{key:
// lane}, key: [values...], "error"?, "warnings"?}. Text lanes are strings, JSON lanes (documents,
// questions, answers, classifications) are embedded when their value is valid JSON, binary lanes
// are base64. No `result_types` key when nothing was collected.
std::string to_json(const Result& result);
// The inverse, for results that crossed a process boundary (cluster mode): binary lanes are
// base64-decoded, embedded JSON values come back as compact JSON text. Throws JsonError for
// malformed JSON and Error (naming the key) for JSON that is not that shape.
Result result_from_json(std::string_view json);

// Receives one object's result. Called exactly once, on whichever thread completes the object
// (a TBB worker, the drain thread, or the caller when the object completes at once): keep it
// short and hand real work elsewhere. An exception it throws is recorded as the task's last
// error, never propagated.
using ResultCallback = std::function<void(Result)>;

// Receives the result of data[index] of one Engine::send_batch, under the same rules.
using BatchCallback = std::function<void(std::size_t index, Result result)>;

}  // namespace sluice
