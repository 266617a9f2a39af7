// pattern.cpp — RE2 behind the Pattern type (RE2 stays out of the node files' headers).
#include "pattern.hpp"

#include <fmt/format.h>
#include <re2/re2.h>

#include <sluice/node.hpp>

#include "node_config.hpp"

namespace sluice::nodes {
namespace {

constexpr std::size_t k_pattern_shown = 80;
constexpr std::size_t k_matches_per_stop_check = 256;  // bytes of a pattern quoted in a message

re2::RE2::Options options(std::size_t max_mem) {
    re2::RE2::Options o;
    o.set_log_errors(false);  // errors go into the config message, not to stderr
    o.set_encoding(re2::RE2::Options::EncodingUTF8);
    if (max_mem > 0) o.set_max_mem(static_cast<std::int64_t>(max_mem));
    return o;
}

std::string shown(const std::string& pattern) {
    if (pattern.size() <= k_pattern_shown) return pattern;
    return fmt::format("{}... ({} bytes)", pattern.substr(0, k_pattern_shown), pattern.size());
}

}  // namespace

Pattern::Pattern(std::string_view where, const std::string& pattern)
    : re_(std::make_unique<re2::RE2>(pattern, options(0))) {
    if (!re_->ok())
        throw ConfigError(
            fmt::format("config \"{}\": bad regex \"{}\": {}", where, pattern, re_->error()));
}

// Reserved before compiling: a pipeline already over its budget never pays for the compile.
Pattern::Pattern(std::string_view where, const std::string& pattern, NodeBudget& budget) {
    const std::size_t max_mem = budget.limits().regex_memory_per_pattern;
    try {
        budget.reserve_regex_memory(max_mem);
    } catch (const ConfigError& e) {
        throw ConfigError(fmt::format("config \"{}\": {}", where, e.what()));
    }
    re_ = std::make_unique<re2::RE2>(pattern, options(max_mem));
    if (re_->error_code() == re2::RE2::ErrorPatternTooLarge)
        throw ConfigError(fmt::format(
            "config \"{}\": regex \"{}\" needs more than its {} bytes of memory "
            "(regex_memory_per_pattern): simplify it, e.g. fewer or smaller repetition counts",
            where, shown(pattern), max_mem));
    if (!re_->ok())
        throw ConfigError(
            fmt::format("config \"{}\": bad regex \"{}\": {}", where, pattern, re_->error()));
}

Pattern::~Pattern() = default;
Pattern::Pattern(Pattern&&) noexcept = default;
Pattern& Pattern::operator=(Pattern&&) noexcept = default;

bool Pattern::search(std::string_view text) const {
    return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

bool Pattern::for_each_match(std::string_view text,
                             const std::function<void(std::size_t, std::size_t)>& on_match,
                             const std::stop_token& stop) const {
    const re2::StringPiece input(text.data(), text.size());
    re2::StringPiece match;
    std::size_t pos = 0;
    for (std::size_t n = 0; pos <= text.size(); ++n) {
        if (n % k_matches_per_stop_check == 0 && stop.stop_requested()) return false;
        if (!re_->Match(input, pos, text.size(), re2::RE2::UNANCHORED, &match, 1)) break;
        const auto start = static_cast<std::size_t>(match.data() - text.data());
        const std::size_t end = start + match.size();
        if (end > start) on_match(start, end);
        // An empty match moves on by one byte; RE2 in UTF-8 mode never starts mid-character.
        pos = end > start ? end : end + 1;
    }
    return true;
}

int Pattern::replace_all(std::string& text, const std::string& rewrite) const {
    return re2::RE2::GlobalReplace(&text, *re_, rewrite);
}

void Pattern::check_rewrite(std::string_view where, const std::string& rewrite) const {
    std::string error;
    if (!re_->CheckRewriteString(rewrite, &error))
        throw ConfigError(
            fmt::format("config \"{}\": bad replacement \"{}\": {}", where, rewrite, error));
}

}  // namespace sluice::nodes
