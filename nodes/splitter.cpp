// splitter.cpp — `preprocessor_langchain` (alias `splitter`): text becomes one `documents` item
// per text item, a list of Docs of at most chunk_size code points; each Doc's metadata carries
// its chunkId and byte offsets (start, end) in the text. Table items become one Doc each.
// Config is read from the component config, or from its RocketRide profile section
// (`{"profile": "default", "default": {"splitter": ..., "strlen": 64}}`).
#include <fmt/format.h>

#include <sluice/utf8.hpp>

#include "builtin_nodes.hpp"
#include "cancel.hpp"
#include "node_config.hpp"
#include "text_split.hpp"

namespace sluice::nodes {
namespace {

const Json& effective_config(const Json& config) {
    const Json* profile = config.find("profile");
    if (profile && profile->is_string()) {
        const Json* section = config.find(profile->as_string());
        if (section && section->is_object()) return *section;
    }
    return config;
}

SplitStrategy strategy_of(const Json& config) {
    // RocketRide names its LangChain splitter classes; sluice names the strategy.
    const std::string splitter = config_string(config, {"splitter"});
    if (splitter == "CharacterTextSplitter") return SplitStrategy::characters;
    if (splitter == "MarkdownTextSplitter" || splitter == "MarkdownHeaderTextSplitter")
        return SplitStrategy::markdown;
    if (!splitter.empty() && splitter != "RecursiveCharacterTextSplitter")
        throw ConfigError(fmt::format(
            "config \"splitter\": unknown splitter \"{}\"; use RecursiveCharacterTextSplitter, "
            "CharacterTextSplitter or MarkdownTextSplitter, or set \"strategy\"",
            splitter));
    const std::string name = config_choice(config, "strategy", "recursive",
                                           {"characters", "recursive", "sentences", "markdown"});
    if (name == "characters") return SplitStrategy::characters;
    if (name == "sentences") return SplitStrategy::sentences;
    if (name == "markdown") return SplitStrategy::markdown;
    return SplitStrategy::recursive;
}

SplitOptions options_from(const Json& raw) {
    const Json& config = effective_config(raw);
    SplitOptions o;
    o.strategy = strategy_of(config);
    const std::int64_t fallback = config_int(config, "strlen", 512, 1, 100'000'000);
    o.chunk_size =
        static_cast<std::size_t>(config_int(config, "chunk_size", fallback, 1, 100'000'000));
    o.chunk_overlap =
        static_cast<std::size_t>(config_int(config, "chunk_overlap", 0, 0, 100'000'000));
    if (o.chunk_overlap >= o.chunk_size)
        throw ConfigError(
            fmt::format("config \"chunk_overlap\" ({}) must be smaller than "
                        "\"chunk_size\" ({}); lower the overlap",
                        o.chunk_overlap, o.chunk_size));
    if (config.find("separators")) {
        o.separators = config_strings(config, "separators");
        if (o.separators.empty())
            throw ConfigError(
                "config \"separators\" is empty; give at least one, e.g. [\"\\n\\n\", \" \"]");
    }
    return o;
}

Json doc(std::string content, const ObjectRef& object, Json metadata) {
    metadata.set("objectId", Json(object.id()));
    return Json(Json::Object{{"type", Json("Document")},
                             {"page_content", Json(std::move(content))},
                             {"metadata", std::move(metadata)}});
}

class SplitterNode final : public Node {
public:
    explicit SplitterNode(SplitOptions options) : options_(std::move(options)) {}

    void process(Item item, Emitter& out) override {
        if (item.lane() == Lane::table) {
            Json meta(Json::Object{{"chunkId", Json(0)}, {"isTable", Json(true)}});
            Json docs(Json::Array{doc(std::string(item.data()), item.object(), std::move(meta))});
            return out.emit(item.with(Lane::documents, docs.dump()));
        }
        Utf8Repair repaired = repair_utf8(item.data());
        if (repaired.replaced > 0)
            item.object().warn(
                fmt::format("splitter: {} invalid UTF-8 sequence(s) replaced by "
                            "U+FFFD, the first at byte {}",
                            repaired.replaced, repaired.first_bad));
        const std::string& text = repaired.text;
        std::vector<Chunk> chunks = split_text(text, options_);
        throw_if_cancelled(out.stop_token(), "splitter");
        if (chunks.empty()) return;
        Json::Array docs;
        docs.reserve(chunks.size());
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            if (i % 256 == 0) throw_if_cancelled(out.stop_token(), "splitter");
            const Chunk& c = chunks[i];
            Json meta(Json::Object{{"chunkId", Json(i)},
                                   {"start", Json(c.start)},
                                   {"end", Json(c.end)},
                                   {"isTable", Json(false)}});
            if (!c.heading.empty()) meta.set("heading", Json(c.heading));
            docs.push_back(
                doc(text.substr(c.start, c.end - c.start), item.object(), std::move(meta)));
        }
        Item result = item.with(Lane::documents, Json(std::move(docs)).dump());
        out.emit(result.with_metadata(Json(Json::Object{{"chunks", Json(chunks.size())}})));
    }

private:
    SplitOptions options_;
};

Provider splitter(std::string name) {
    NodeInfo info;
    info.description =
        "splits text into documents chunks (characters, recursive, sentences, "
        "markdown) with chunkId and offsets";
    info.lanes = {{Lane::text, {Lane::documents}}, {Lane::table, {Lane::documents}}};
    info.concurrency = Concurrency::unlimited;  // options are read-only after construction
    info.config = {
        {"strategy", ConfigType::string, "characters | recursive (default) | sentences | markdown"},
        {"chunk_size", ConfigType::integer, "maximum chunk length in code points (default 512)"},
        {"chunk_overlap", ConfigType::integer,
         "code points shared by neighbouring chunks (default 0)"},
        {"separators", ConfigType::array, "recursive: separators tried in order"},
        {"profile", ConfigType::string, "RocketRide: name of the section holding the config"},
    };
    return {std::move(name), std::move(info), [](const NodeContext& ctx) {
                return std::make_unique<SplitterNode>(options_from(ctx.config));
            }};
}

}  // namespace

std::vector<Provider> splitter_providers() {
    std::vector<Provider> out;
    out.push_back(splitter("preprocessor_langchain"));
    out.push_back(splitter("splitter"));
    return out;
}

}  // namespace sluice::nodes
