// pipeline_file.cpp — read + parse + validate a .pipe file, reporting errors with its name.
#include "pipeline_file.hpp"

#include <sluice/errors.hpp>

#include "inputs.hpp"
#include "messages.hpp"

namespace sluice::cli {

bool over_pipeline_limits(const std::vector<Problem>& problems) {
    return problems.size() == 1 && problems[0].component.empty() &&
           problems[0].message.ends_with("(max_components)");
}

std::optional<PipelineSpec> load_pipeline(const std::string& path, const PipelineLimits& limits) {
    std::string text;
    try {
        text = read_file(path);
    } catch (const UsageError& e) {
        print_error(e.what());
        return std::nullopt;
    }
    try {
        // As a string_view: a std::string would also convert to Json (an ambiguous call).
        return parse_pipeline(std::string_view(text), {}, limits);
    } catch (const InvalidPipeline& e) {
        print_file_error(path, over_pipeline_limits(e.problems()) ? e.problems()[0].message
                                                                  : std::string(e.what()));
        return std::nullopt;
    } catch (const Error& e) {  // JsonError (with line and column) or InvalidPipeline
        print_file_error(path, e.what());
        return std::nullopt;
    }
}

}  // namespace sluice::cli
