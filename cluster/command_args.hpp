// command_args.hpp — the flags shared by `sluice worker` and `sluice cluster`: a small parser
// for "--name VALUE" pairs and positional arguments, with range-checked numbers.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "layout.hpp"

namespace sluice::cluster {

struct CommandArgs {
    std::map<std::string, std::string> flags;  // without the leading "--"
    std::vector<std::string> positional;
    bool has(const std::string& name) const { return flags.contains(name); }
    std::string text(const std::string& name, const std::string& fallback = {}) const;
    // Throws UsageError "--NAME: \"v\" is not a whole number in [min, max]".
    std::int64_t number(const std::string& name, std::int64_t fallback, std::int64_t min,
                        std::int64_t max) const;
};

// Flags listed in `switches` take no value; every other --flag takes the next argument.
// Throws UsageError for a flag not in `known` or one missing its value.
CommandArgs parse_args(int argc, char** argv, const std::vector<std::string>& known,
                       const std::vector<std::string>& switches = {});
// --replicas, --ack-wait-ms, --max-deliver, --max-ack-pending, --max-bytes.
LayoutOptions layout_from(const CommandArgs& args);
inline const std::vector<std::string> k_layout_flags = {"replicas", "ack-wait-ms", "max-deliver",
                                                        "max-ack-pending", "max-bytes"};

}  // namespace sluice::cluster
