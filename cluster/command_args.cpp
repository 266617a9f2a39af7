// command_args.cpp — flag parsing for the cluster subcommands.
#include "command_args.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace sluice::cluster {

std::string CommandArgs::text(const std::string& name, const std::string& fallback) const {
    auto it = flags.find(name);
    return it == flags.end() ? fallback : it->second;
}

std::int64_t CommandArgs::number(const std::string& name, std::int64_t fallback, std::int64_t min,
                                 std::int64_t max) const {
    auto it = flags.find(name);
    if (it == flags.end()) return fallback;
    std::int64_t value = 0;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size() || value < min || value > max)
        throw UsageError(
            fmt::format("--{}: \"{}\" is not a whole number in [{}, {}]", name, s, min, max));
    return value;
}

CommandArgs parse_args(int argc, char** argv, const std::vector<std::string>& known,
                       const std::vector<std::string>& switches) {
    CommandArgs args;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (!arg.starts_with("--")) {
            args.positional.push_back(arg);
            continue;
        }
        const std::string name = arg.substr(2);
        const bool is_switch = std::ranges::find(switches, name) != switches.end();
        if (!is_switch && std::ranges::find(known, name) == known.end())
            throw UsageError(fmt::format("{}: unknown option {}; see 'sluice help'", argv[0], arg));
        if (is_switch) {
            args.flags[name] = "1";
            continue;
        }
        if (i + 1 >= argc)
            throw UsageError(fmt::format("{}: option {} needs a value", argv[0], arg));
        args.flags[name] = argv[++i];
    }
    return args;
}

LayoutOptions layout_from(const CommandArgs& args) {
    LayoutOptions layout;
    layout.replicas = static_cast<int>(args.number("replicas", layout.replicas, 1, 5));
    layout.ack_wait = std::chrono::milliseconds(
        args.number("ack-wait-ms", layout.ack_wait.count(), 100, 3'600'000));
    layout.max_deliver = static_cast<int>(args.number("max-deliver", layout.max_deliver, 2, 1000));
    layout.max_ack_pending = args.number("max-ack-pending", layout.max_ack_pending, 1, 1'000'000);
    layout.max_bytes = args.number("max-bytes", layout.max_bytes, 1024, std::int64_t{1} << 50);
    return layout;
}

}  // namespace sluice::cluster
