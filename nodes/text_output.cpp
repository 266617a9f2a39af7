// text_output.cpp — `text_output` (RocketRide's local file sink, also `local-text-output`):
// appends each text item, plus a separator, to a file under the configured directory; the file
// name comes from a template ({name}, {id}). Files stay open while the task runs and are closed
// at drain. With a data root the directory resolves inside it (use() fails otherwise); a name
// that would leave the directory, a symlink or a non-regular file (FIFO, device) fails its
// object, without blocking.
#include <filesystem>
#include <map>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "append_file.hpp"
#include "builtin_nodes.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_open_files = 64;  // beyond this, close all and reopen on demand

std::string expand(std::string_view pattern, const ObjectRef& object) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern.substr(i, 6) == "{name}")
            out += object.name(), i += 5;
        else if (pattern.substr(i, 4) == "{id}")
            out += object.id(), i += 3;
        else
            out += pattern[i];
    }
    return out;
}

class TextOutputNode final : public Node {
public:
    // `root`: the data root (canonical), or empty. `directory`: as resolve_data_path gave it.
    TextOutputNode(fs::path root, fs::path directory, std::string file, std::string separator)
        : root_(std::move(root)),
          directory_(std::move(directory)),
          file_(std::move(file)),
          separator_(std::move(separator)) {}

    void process(Item item, Emitter&) override {
        const fs::path name = target(expand(file_, item.object()));
        open(name).write(item.data(), separator_, (directory_ / name).string());
    }

    void finish(Emitter&) override { files_.clear(); }

private:
    // The file's path below the directory. Refuses absolute names, ".." and anything (symlinks
    // too) resolving outside the directory; open_append_below then refuses any symlink at all.
    fs::path target(const std::string& name) const {
        const fs::path relative(name);
        bool escapes =
            name.empty() || relative.is_absolute() || name.find('\0') != std::string::npos;
        for (const fs::path& part : relative) escapes = escapes || part == "..";
        std::error_code ec;
        const fs::path base = fs::weakly_canonical(directory_, ec);
        const fs::path full = fs::weakly_canonical(base / relative, ec);
        const auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
        if (escapes || ec || b != base.end() || f == full.end())
            throw std::runtime_error(
                fmt::format("file \"{}\" escapes directory \"{}\"; object names and the \"file\" "
                            "template must stay inside it",
                            name, directory_.string()));
        return relative.lexically_normal();
    }

    AppendFile& open(const fs::path& name) {
        if (auto found = files_.find(name); found != files_.end()) return found->second;
        if (files_.size() >= k_max_open_files) files_.clear();
        // With a data root every directory from the root down is entered without following
        // symlinks; without one, the user's directory is created and followed as given.
        AppendFile file;
        if (root_.empty()) {
            std::error_code ec;
            fs::create_directories(directory_, ec);
            file = open_append_below(directory_, name);
        } else {
            file = open_append_below(root_, directory_.lexically_relative(root_) / name);
        }
        return files_.emplace(name, std::move(file)).first->second;
    }

    fs::path root_, directory_;
    std::string file_, separator_;
    std::map<fs::path, AppendFile> files_;
};

std::unique_ptr<Node> make(const NodeContext& ctx) {
    const std::string directory = config_string(ctx.config, {"directory", "output_path"});
    if (directory.empty())
        throw ConfigError("config \"directory\" is required: the directory the files go into");
    // The root itself, as resolve_data_path compares against it ("." resolves to it).
    fs::path root;
    if (!ctx.budget.limits().data_root.empty()) root = resolve_data_path(ctx, ".", "data root");
    return std::make_unique<TextOutputNode>(std::move(root),
                                            resolve_data_path(ctx, directory, "directory"),
                                            config_string(ctx.config, {"file"}, "{name}.txt"),
                                            config_string(ctx.config, {"separator"}, "\n"));
}

Provider text_output(std::string name) {
    NodeInfo info;
    info.description = "appends text to files under a directory (sink); closed at drain";
    info.lanes = {{Lane::text, {}}};
    info.concurrency = Concurrency::serial;  // one set of open files
    info.blocking = true;                    // file writes wait on the disk
    info.config = {
        {"directory", ConfigType::string, "where files go (RocketRide: output_path)"},
        {"output_path", ConfigType::string, "alias of directory"},
        {"file", ConfigType::string, "file name template, {name} and {id} (default {name}.txt)"},
        {"separator", ConfigType::string, "written after each item (default \"\\n\")"},
    };
    return {std::move(name), std::move(info), make};
}

}  // namespace

std::vector<Provider> text_output_providers() {
    std::vector<Provider> out;
    out.push_back(text_output("text_output"));
    out.push_back(text_output("local-text-output"));
    return out;
}

}  // namespace sluice::nodes
