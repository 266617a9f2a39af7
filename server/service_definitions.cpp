// service_definitions.cpp — what RocketRide's services.json declares, derived from NodeInfo:
// the title and prefix from the name, the class from the lanes (a source, a target that only
// consumes, or a filter), the capabilities from how the node runs.
#include "service_definitions.hpp"

#include <cctype>

#include <fmt/format.h>

#include <sluice/errors.hpp>

namespace sluice::server {
namespace {

// "local-text-output" -> "Local Text Output".
std::string title_of(std::string_view name) {
    std::string out;
    bool word_start = true;
    for (char c : name) {
        if (c == '_' || c == '-' || c == ' ') {
            if (!out.empty() && out.back() != ' ') out += ' ';
            word_start = true;
            continue;
        }
        out += word_start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        word_start = false;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string prefix_of(const std::string& title) {
    std::string out;
    for (char c : title)
        if (c != ' ') out += c;
    return out;
}

Json class_type(const NodeInfo& info) {
    if (info.is_source()) return Json(Json::Array{"source"});
    bool consumes_only = !info.lanes.empty();
    for (const LaneRule& rule : info.lanes) consumes_only = consumes_only && rule.outputs.empty();
    return Json(Json::Array{consumes_only ? "target" : "filter"});
}

Json capabilities(const NodeInfo& info) {
    Json::Array out;
    if (info.blocking) out.emplace_back("blocking");  // runs on the engine's blocking pool
    if (info.concurrency == Concurrency::unlimited) out.emplace_back("concurrent");
    return Json(std::move(out));
}

Json lane_names(const std::vector<Lane>& lanes) {
    Json::Array out;
    for (Lane lane : lanes) out.emplace_back(to_string(lane));
    return Json(std::move(out));
}

// RocketRide's two forms: "lanes": {"text": ["documents"]} and
// "input": [{"lane": "text", "output": [{"lane": "documents"}]}].
void add_lanes(const NodeInfo& info, Json& service) {
    Json::Object map;
    Json::Array input;
    auto add = [&](std::string_view lane, const std::vector<Lane>& outputs) {
        map.emplace_back(std::string(lane), lane_names(outputs));
        Json::Array output;
        for (Lane out : outputs) output.push_back(Json(Json::Object{{"lane", to_string(out)}}));
        input.push_back(Json(Json::Object{{"lane", lane}, {"output", Json(std::move(output))}}));
    };
    if (info.is_source()) add("_source", info.source_lanes);
    for (const LaneRule& rule : info.lanes) add(to_string(rule.input), rule.outputs);
    service.set("lanes", Json(std::move(map)));
    service.set("input", Json(std::move(input)));
}

void add_config(const NodeInfo& info, const std::string& title, Json& service) {
    Json::Object properties, fields;
    Json::Array required, names;
    for (const ConfigField& f : info.config) {
        Json property(Json::Object{{"description", f.description}});
        if (f.type != ConfigType::any) property.set("type", to_string(f.type));
        properties.emplace_back(f.name, property);
        Json field = property;
        field.set("title", title_of(f.name));
        field.set("required", f.required);
        fields.emplace_back(f.name, std::move(field));
        if (f.required) required.emplace_back(f.name);
        names.emplace_back(f.name);
    }
    service.set("schema", Json(Json::Object{{"type", "object"},
                                            {"properties", Json(std::move(properties))},
                                            {"required", Json(std::move(required))},
                                            {"additionalProperties", true}}));
    service.set("fields", Json(std::move(fields)));
    service.set("shape", Json(Json::Array{Json(Json::Object{
                             {"section", "Pipe"}, {"title", title}, {"properties", names}})}));
}

}  // namespace

Json service_definition(const Provider& p) {
    const std::string title = title_of(p.name);
    Json service(Json::Object{
        {"title", title},
        {"protocol", fmt::format("{}://", p.name)},
        {"prefix", prefix_of(title)},
        {"classType", class_type(p.info)},
        {"capabilities", capabilities(p.info)},
        {"description", p.info.description},
        {"source", p.info.is_source()},
        {"concurrency", p.info.concurrency == Concurrency::unlimited ? "unlimited" : "serial"},
        {"blocking", p.info.blocking}});
    add_lanes(p.info, service);
    add_config(p.info, title, service);
    return service;
}

Outcome service_definitions(const Json& arguments) {
    const Json* given = arguments.find("service");
    if (given && !given->is_null() && !given->is_string())
        return Outcome::fail(Failure::bad_request, "argument \"service\" must be a string");
    std::string wanted = given && given->is_string() ? given->as_string() : std::string();
    if (wanted.ends_with("://")) wanted.resize(wanted.size() - 3);
    if (!wanted.empty()) {
        if (const Provider* p = find_provider(wanted))
            return Outcome::success(service_definition(*p));
        std::string known;
        for (const Provider* p : providers()) known += (known.empty() ? "" : ", ") + p->name;
        return Outcome::fail(
            Failure::not_found,
            fmt::format("Service '{}' not found. Known services: {}", given->as_string(), known));
    }
    Json::Object all;
    for (const Provider* p : providers()) all.emplace_back(p->name, service_definition(*p));
    return Outcome::success(Json(Json::Object{{"services", Json(std::move(all))}, {"version", 1}}));
}

}  // namespace sluice::server
