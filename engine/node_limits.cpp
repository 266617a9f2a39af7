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

// weakly_canonical keeps a trailing "/" of a root that does not exist yet ("data/" would then
// hold nothing, as "" never matches a name): drop it.
fs::path without_trailing_slash(fs::path path) {
    while (!path.has_filename() && path.has_parent_path() && path != path.root_path())
        path = path.parent_path();
    return path;
}

// weakly_canonical resolves the symlinks that lead somewhere; one that leads nowhere stays in
// the result as a name, and creating below it would follow it out. Any symlink left is refused.
bool has_symlink_below(const fs::path& base, const fs::path& full) {
    fs::path at = base;
    for (const fs::path& part : full.lexically_relative(base)) {
        if (part.empty() || part == ".") continue;
        at /= part;
        std::error_code ec;
        if (fs::is_symlink(fs::symlink_status(at, ec))) return true;
    }
    return false;
}

// The root as paths are compared against it: absolute, symlinks resolved, no trailing "/".
fs::path data_root_of(const NodeLimits& limits) {
    if (limits.data_root.empty()) return {};
    std::error_code ec;
    fs::path base = fs::weakly_canonical(fs::absolute(limits.data_root), ec);
    if (ec)
        throw ConfigError(fmt::format("the data root \"{}\" cannot be resolved: {}",
                                      limits.data_root.string(), ec.message()));
    return without_trailing_slash(std::move(base));
}

}  // namespace

fs::path resolve_data_path(const NodeContext& ctx, std::string_view path, std::string_view what) {
    if (path.find('\0') != std::string_view::npos)
        throw ConfigError(fmt::format("config \"{}\": the path holds a NUL byte", what));
    const fs::path base = data_root_of(ctx.budget.limits());
    if (base.empty()) return fs::path(path);
    const fs::path given(path);
    // weakly_canonical follows every symlink that exists and folds every "..", so what it
    // returns is where the path really leads (as of now: the node opens with O_NOFOLLOW too).
    std::error_code ec;
    const fs::path full = without_trailing_slash(
        fs::weakly_canonical(given.is_absolute() ? given : base / given, ec));
    if (ec)
        throw ConfigError(
            fmt::format("config \"{}\": \"{}\" cannot be resolved inside the data "
                        "root \"{}\": {}",
                        what, path, base.string(), ec.message()));
    if (!inside(base, full) || has_symlink_below(base, full))
        throw ConfigError(fmt::format(
            "config \"{}\": \"{}\" leads outside the data root \"{}\"; give a path inside it "
            "(a relative path is taken from the root)",
            what, path, base.string()));
    if (const fs::path state = base / k_server_state_dir; inside(state, full))
        throw ConfigError(fmt::format(
            "config \"{}\": \"{}\" is inside \"{}\", where the server keeps its own state "
            "(file store, deployments); give a path elsewhere in the data root",
            what, path, state.string()));
    return full;
}

}  // namespace sluice
