// errors.cpp — the text of InvalidPipeline: every problem, one per line, each naming where.
#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice {
namespace {

std::string describe(const std::vector<Problem>& problems) {
    std::string text = "invalid pipeline";
    const char* separator = ": ";
    for (const Problem& problem : problems) {
        text += separator;
        if (problem.component.empty())
            fmt::format_to(std::back_inserter(text), "pipeline: {}", problem.message);
        else
            fmt::format_to(std::back_inserter(text), "component \"{}\": {}", problem.component,
                           problem.message);
        separator = "\n";
    }
    return text;
}

}  // namespace

InvalidPipeline::InvalidPipeline(std::vector<Problem> problems)
    : Error(describe(problems)), problems_(std::move(problems)) {}

}  // namespace sluice
