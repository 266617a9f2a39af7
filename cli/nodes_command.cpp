// nodes_command.cpp — `sluice nodes [PROVIDER]`: the registered providers with their lanes and
// config fields (one line each), or one provider in full.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <sluice/node.hpp>

#include "commands.hpp"
#include "messages.hpp"

namespace sluice::cli {
namespace {

std::string lane_list(const std::vector<Lane>& lanes) {
    if (lanes.size() == k_lane_count) return "any";
    std::vector<std::string_view> names;
    for (Lane lane : lanes) names.push_back(to_string(lane));
    return fmt::format("{}", fmt::join(names, ","));
}

// "text->documents table->documents", with the common whole-catalogue shapes abbreviated.
std::string lanes_of(const NodeInfo& info) {
    if (info.is_source()) return "(source)->" + lane_list(info.source_lanes);
    const bool every = info.lanes.size() == k_lane_count;
    const auto same = [](const LaneRule& r) { return r.outputs.size() == 1 && r.outputs[0] == r.input; };
    const auto sink = [](const LaneRule& r) { return r.outputs.empty(); };
    if (every && std::all_of(info.lanes.begin(), info.lanes.end(), same)) return "any->same";
    if (every && std::all_of(info.lanes.begin(), info.lanes.end(), sink)) return "any->(sink)";
    std::vector<std::string> rules;
    for (const LaneRule& rule : info.lanes)
        rules.push_back(fmt::format("{}->{}", to_string(rule.input),
                                    rule.outputs.empty() ? "(sink)" : lane_list(rule.outputs)));
    return fmt::format("{}", fmt::join(rules, " "));
}

std::string config_of(const NodeInfo& info) {
    std::vector<std::string> fields;
    for (const ConfigField& f : info.config)
        fields.push_back(fmt::format("{}:{}{}", f.name, to_string(f.type), f.required ? "!" : ""));
    return fields.empty() ? "-" : fmt::format("{}", fmt::join(fields, " "));
}

int list_all() {
    const std::vector<const Provider*> all = providers();
    std::size_t name_width = 8, lanes_width = 5;
    for (const Provider* p : all) {
        name_width = std::max(name_width, p->name.size());
        lanes_width = std::max(lanes_width, lanes_of(p->info).size());
    }
    fmt::print("{:<{}}  {:<{}}  {}\n", "provider", name_width, "lanes", lanes_width, "config (! = required)");
    for (const Provider* p : all)
        fmt::print("{:<{}}  {:<{}}  {}\n", p->name, name_width, lanes_of(p->info), lanes_width,
                   config_of(p->info));
    fmt::print("\n{} providers; 'sluice nodes PROVIDER' describes one\n", all.size());
    return 0;
}

int describe(const Provider& p) {
    fmt::print("{}: {}\n", p.name, p.info.description);
    fmt::print("lanes: {}\n", lanes_of(p.info));
    fmt::print("concurrency: {}\n",
               p.info.concurrency == Concurrency::serial ? "serial" : "unlimited");
    fmt::print("config:{}\n", p.info.config.empty() ? " none" : "");
    for (const ConfigField& f : p.info.config)
        fmt::print("  {} ({}{}): {}\n", f.name, to_string(f.type), f.required ? ", required" : "",
                   f.description);
    return 0;
}

}  // namespace

int nodes_command(int argc, char** argv) {
    if (argc == 1) return list_all();
    if (argc == 2 && !std::string_view(argv[1]).starts_with("-")) {
        if (const Provider* p = find_provider(argv[1])) return describe(*p);
        std::vector<std::string> names;
        for (const Provider* p : providers()) names.push_back(p->name);
        print_error(fmt::format("nodes: unknown provider \"{}\"; known: {}", argv[1], fmt::join(names, ", ")));
        return 2;
    }
    print_error("usage: sluice nodes [PROVIDER]");
    return 2;
}

}  // namespace sluice::cli
