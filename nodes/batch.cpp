// batch.cpp — `batch`: gathers `size` items (text or documents) and emits them as one
// `documents` item, a list of Docs; at drain, finish() emits what is left, so nothing held is
// lost. The batch belongs to the object of its last item; holding the earlier items keeps
// their objects open until the batch goes out (see item.hpp).
#include <fmt/format.h>

#include "builtin_nodes.hpp"
#include "node_config.hpp"

namespace sluice::nodes {
namespace {

class BatchNode final : public Node {
public:
    explicit BatchNode(std::size_t size) : size_(size) {}

    void process(Item item, Emitter& out) override {
        held_.push_back(std::move(item));
        if (held_.size() >= size_) flush(out);
    }
    void finish(Emitter& out) override {
        if (!held_.empty()) flush(out);
    }

private:
    static void add_docs(Json::Array& docs, const Item& item) {
        if (item.lane() == Lane::documents) {
            try {
                Json parsed = Json::parse(item.data());
                if (parsed.is_array()) {
                    for (Json& d : parsed.as_array()) docs.push_back(std::move(d));
                    return;
                }
                if (parsed.is_object()) return docs.push_back(std::move(parsed));
            } catch (const std::exception&) {
                // not a Doc list: carried below as the content of one Doc
            }
        }
        Json meta(Json::Object{{"objectId", Json(item.object().id())},
                               {"name", Json(item.object().name())}});
        docs.push_back(Json(Json::Object{{"type", Json("Document")},
                                         {"page_content", Json(item.data())},
                                         {"metadata", std::move(meta)}}));
    }

    void flush(Emitter& out) {
        Json::Array docs;
        for (const Item& item : held_) add_docs(docs, item);
        Item batch = held_.back().with(Lane::documents, Json(std::move(docs)).dump());
        const std::size_t count = held_.size();
        held_.clear();  // releases the other objects: their items are in this batch
        out.emit(batch.with_metadata(
            Json(Json::Object{{"batch", Json(batches_++)}, {"items", Json(count)}})));
    }

    std::size_t size_;
    std::vector<Item> held_;
    std::size_t batches_ = 0;
};

}  // namespace

std::vector<Provider> batch_providers() {
    NodeInfo info;
    info.description = "gathers N items (or what is left at drain) into one documents item";
    info.lanes = {{Lane::text, {Lane::documents}}, {Lane::documents, {Lane::documents}}};
    info.concurrency = Concurrency::serial;  // one buffer
    info.config = {{"size", ConfigType::integer, "items per batch (default 10)"}};
    std::vector<Provider> out;
    out.push_back({"batch", std::move(info), [](const NodeContext& ctx) {
                       return std::make_unique<BatchNode>(
                           static_cast<std::size_t>(config_int(ctx.config, "size", 10, 1, 1'000'000)));
                   }});
    return out;
}

}  // namespace sluice::nodes
