// text_output.cpp — `text_output` (RocketRide's local file sink, also `local-text-output`):
// appends each text item, plus a separator, to a file under the configured directory; the file
// name comes from a template ({name}, {id}). Files stay open while the task runs and are
// flushed and closed at drain. A name that would leave the directory fails its object.
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <system_error>

#include <fmt/format.h>

#include "builtin_nodes.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_open_files = 64;  // beyond this, close all and reopen on demand

std::string expand(std::string_view pattern, const ObjectRef& object) {
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern.substr(i, 6) == "{name}") out += object.name(), i += 5;
        else if (pattern.substr(i, 4) == "{id}") out += object.id(), i += 3;
        else out += pattern[i];
    }
    return out;
}

class TextOutputNode final : public Node {
public:
    TextOutputNode(fs::path directory, std::string file, std::string separator)
        : directory_(std::move(directory)), file_(std::move(file)), separator_(std::move(separator)) {}

    void process(Item item, Emitter&) override {
        std::ofstream& stream = open(target(expand(file_, item.object())));
        stream.write(item.data().data(), static_cast<std::streamsize>(item.size()));
        stream << separator_;
        if (!stream) throw std::runtime_error(fmt::format("writing to \"{}\" failed", directory_.string()));
    }

    void finish(Emitter&) override { close_all(); }
    ~TextOutputNode() override { close_all(); }

private:
    // Refuses absolute names, ".." and anything (symlinks too) resolving outside the directory.
    fs::path target(const std::string& name) const {
        const fs::path relative(name);
        bool escapes = name.empty() || relative.is_absolute() || name.find('\0') != std::string::npos;
        for (const fs::path& part : relative) escapes = escapes || part == "..";
        std::error_code ec;
        const fs::path base = fs::weakly_canonical(directory_, ec);
        const fs::path full = fs::weakly_canonical(base / relative, ec);
        const auto [b, f] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
        if (escapes || ec || b != base.end() || f == full.end())
            throw std::runtime_error(fmt::format(
                "file \"{}\" escapes directory \"{}\"; object names and the \"file\" "
                "template must stay inside it", name, directory_.string()));
        return full;
    }

    std::ofstream& open(const fs::path& path) {
        if (auto found = files_.find(path); found != files_.end()) return found->second;
        if (files_.size() >= k_max_open_files) close_all();
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        std::ofstream& stream = files_[path];
        stream.open(path, std::ios::binary | std::ios::app);
        if (!stream) {
            files_.erase(path);
            throw std::runtime_error(fmt::format("cannot open \"{}\" for appending{}",
                                                 path.string(), ec ? "; " + ec.message() : ""));
        }
        return stream;
    }

    void close_all() {
        for (auto& [path, stream] : files_) stream.close();  // close() flushes
        files_.clear();
    }

    fs::path directory_;
    std::string file_, separator_;
    std::map<fs::path, std::ofstream> files_;
};

std::unique_ptr<Node> make(const Json& config) {
    const std::string directory = config_string(config, {"directory", "output_path"});
    if (directory.empty())
        throw ConfigError("config \"directory\" is required: the directory the files go into");
    return std::make_unique<TextOutputNode>(directory, config_string(config, {"file"}, "{name}.txt"),
                                            config_string(config, {"separator"}, "\n"));
}

Provider text_output(std::string name) {
    NodeInfo info;
    info.description = "appends text to files under a directory (sink); closed at drain";
    info.lanes = {{Lane::text, {}}};
    info.concurrency = Concurrency::serial;  // one set of open files
    info.config = {
        {"directory", ConfigType::string, "where files go (RocketRide: output_path)"},
        {"output_path", ConfigType::string, "alias of directory"},
        {"file", ConfigType::string, "file name template, {name} and {id} (default {name}.txt)"},
        {"separator", ConfigType::string, "written after each item (default \"\\n\")"},
    };
    return {std::move(name), std::move(info), [](const NodeContext& ctx) { return make(ctx.config); }};
}

}  // namespace

std::vector<Provider> text_output_providers() {
    std::vector<Provider> out;
    out.push_back(text_output("text_output"));
    out.push_back(text_output("local-text-output"));
    return out;
}

}  // namespace sluice::nodes
