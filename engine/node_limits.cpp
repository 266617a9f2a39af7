// node_limits.cpp — what one pipeline's nodes may take: regex memory from its budget, and
// files only inside the data root.
#include <algorithm>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/node.hpp>

namespace sluice {
namespace fs = std::filesystem;

void NodeBudget::reserve_regex_memory(std::size_t bytes) {
    const std::size_t limit = limits_.regex_memory_per_pipeline;
    if (bytes > limit || regex_memory_used_ > limit - bytes)
        throw ConfigError(fmt::format(
            "regex memory: this pattern's {} bytes would bring the pipeline to {} bytes, over "
            "its budget of {} (regex_memory_per_pipeline; {} per pattern): use fewer or simpler "
            "patterns",
            bytes, regex_memory_used_ + bytes, limit, limits_.regex_memory_per_pattern));
    regex_memory_used_ += bytes;
}

namespace {

// Both canonical: `path` is `root` or below it.
bool inside(const fs::path& root, const fs::path& path) {
    auto [r, p] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
    return r == root.end();
}

}  // namespace

fs::path resolve_data_path(const NodeContext& ctx, std::string_view path, std::string_view what) {
    if (path.find('\0') != std::string_view::npos)
        throw ConfigError(fmt::format("config \"{}\": the path holds a NUL byte", what));
    const fs::path& root = ctx.budget.limits().data_root;
    if (root.empty()) return fs::path(path);
    std::error_code ec;
    const fs::path base = fs::weakly_canonical(fs::absolute(root), ec);
    if (ec)
        throw ConfigError(fmt::format("config \"{}\": the data root \"{}\" cannot be resolved: {}",
                                      what, root.string(), ec.message()));
    const fs::path given(path);
    // weakly_canonical follows every symlink that exists and folds every "..", so what it
    // returns is where the path really leads (as of now: the node opens with O_NOFOLLOW too).
    const fs::path full = fs::weakly_canonical(given.is_absolute() ? given : base / given, ec);
    if (ec || !inside(base, full))
        throw ConfigError(fmt::format(
            "config \"{}\": \"{}\" leads outside the data root \"{}\"; give a path inside it "
            "(a relative path is taken from the root)",
            what, path, base.string()));
    return full;
}

}  // namespace sluice
