// pattern.hpp — regular expressions for nodes that run them on untrusted text. RE2 matches in
// linear time with no recursion, so a 10 MB object or a hostile pattern cannot blow the stack
// or run for ever (std::regex can do both).
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace sluice {
class NodeBudget;
}

namespace sluice::nodes {

// A compiled RE2 pattern; thread-safe to match from several threads at once.
class Pattern {
public:
    // A built-in pattern (RE2's default memory). Throws ConfigError `config "<where>": bad
    // regex "<pattern>": <RE2's reason>`.
    Pattern(std::string_view where, const std::string& pattern);
    // A user's pattern: RE2 may use at most the budget's regex_memory_per_pattern for it (a
    // pattern that needs more is a ConfigError naming that limit), and that much is reserved
    // from the pipeline's regex_memory_per_pipeline (over it: ConfigError naming both).
    Pattern(std::string_view where, const std::string& pattern, NodeBudget& budget);
    ~Pattern();
    Pattern(Pattern&&) noexcept;
    Pattern& operator=(Pattern&&) noexcept;

    bool search(std::string_view text) const;
    // Calls on_match(start, end) for each non-empty, non-overlapping match, left to right;
    // stops early (returning false) once `stop` is requested, checked every few matches.
    bool for_each_match(std::string_view text,
                        const std::function<void(std::size_t, std::size_t)>& on_match,
                        const std::stop_token& stop = {}) const;
    // Replaces every match; `rewrite` may use \0..\9. Returns the number of replacements.
    int replace_all(std::string& text, const std::string& rewrite) const;
    // Throws ConfigError when `rewrite` names a group the pattern does not have.
    void check_rewrite(std::string_view where, const std::string& rewrite) const;
    const re2::RE2& re() const noexcept { return *re_; }

private:
    std::unique_ptr<re2::RE2> re_;
};

}  // namespace sluice::nodes
