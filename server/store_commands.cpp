// store_commands.cpp — rrext_store, RocketRide's per-key file store over DAP (protocol-reference
// §4.5): the subcommands' arguments and answers; the files themselves are file_store's and
// store_handles'. Handle calls (fs_open/read/write/close) run on the connection's strand: each
// moves at most one message's bytes (fs_read at most 4 MiB) with plain file I/O. Path calls
// (stat, list, mkdir, rmdir, delete, rename) may walk many entries, so they run on the
// blocking pool.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include <sluice/node.hpp>

#include "ws_session.hpp"

namespace sluice::server {
namespace {

Failure failure_of(StoreError::Kind kind) {
    switch (kind) {
        case StoreError::Kind::not_found: return Failure::not_found;
        case StoreError::Kind::limit: return Failure::limit_reached;
        case StoreError::Kind::conflict: return Failure::conflict;
        case StoreError::Kind::bad_request: break;
    }
    return Failure::bad_request;
}

StoreError argument_error(std::string_view sub, std::string_view name, std::string_view want) {
    return StoreError(StoreError::Kind::bad_request,
                      fmt::format("{}: argument \"{}\" must be {}", sub, name, want));
}

std::string string_arg(const Json& args, std::string_view sub, std::string_view name) {
    const Json* value = args.find(name);
    if (!value || !value->is_string()) throw argument_error(sub, name, "a string");
    return value->as_string();
}

std::int64_t int_arg(const Json& args, std::string_view sub, std::string_view name,
                     std::int64_t fallback) {
    const Json* value = args.find(name);
    if (!value || value->is_null()) return fallback;
    if (!value->is_int() || value->as_int() < 0)
        throw argument_error(sub, name, "a non-negative integer");
    return value->as_int();
}

Json stat_json(const StoreStat& s) {
    if (!s.exists) return Json(Json::Object{{"exists", false}});
    Json::Object out{{"exists", true}, {"type", s.type}, {"modified", s.modified}};
    if (s.type == "file") out.emplace_back("size", static_cast<std::int64_t>(s.size));
    return Json(std::move(out));
}

Json list_json(const std::vector<StoreEntry>& entries) {
    Json::Array list;
    for (const StoreEntry& e : entries) {
        Json::Object entry{{"name", e.name}, {"type", e.type}, {"modified", e.modified}};
        if (e.type == "file") entry.emplace_back("size", static_cast<std::int64_t>(e.size));
        list.emplace_back(std::move(entry));
    }
    const auto count = static_cast<std::int64_t>(list.size());
    return Json(Json::Object{{"entries", std::move(list)}, {"count", count}});
}

// One path call; returns its body (null = none). Throws StoreError.
Json run_path_call(const StoreNamespace& ns, const std::string& sub, const Json& args,
                   std::size_t max_entries) {
    if (sub == "fs_stat") return stat_json(ns.stat(string_arg(args, sub, "path")));
    if (sub == "fs_list_dir") {
        const std::string path = args.find("path") ? string_arg(args, sub, "path") : "";
        return list_json(ns.list_dir(path, max_entries));
    }
    if (sub == "fs_mkdir") {
        ns.mkdir(string_arg(args, sub, "path"));
    } else if (sub == "fs_rmdir") {
        const Json* recursive = args.find("recursive");
        if (recursive && !recursive->is_bool() && !recursive->is_null())
            throw argument_error(sub, "recursive", "true or false");
        ns.rmdir(string_arg(args, sub, "path"),
                 recursive && recursive->is_bool() && recursive->as_bool());
    } else if (sub == "fs_delete") {
        ns.remove(string_arg(args, sub, "path"));
    } else {  // fs_rename
        ns.rename(string_arg(args, sub, "old_path"), string_arg(args, sub, "new_path"));
    }
    return Json(nullptr);
}

}  // namespace

std::shared_ptr<const StoreNamespace> WsSession::store_namespace() {
    if (!store_ns_)
        store_ns_ =
            std::make_shared<const StoreNamespace>(ctx_.options.data_dir / k_server_state_dir / "store", store_name_);
    return store_ns_;
}

void WsSession::store(DapRequest& request, const Asked& asked) {
    static constexpr std::array<std::string_view, 6> path_calls = {
        "fs_stat", "fs_list_dir", "fs_mkdir", "fs_rmdir", "fs_delete", "fs_rename"};
    const Json* given = request.arguments.find("subcommand");
    const std::string sub = given && given->is_string() ? given->as_string() : "";
    try {
        if (sub == "fs_open" || sub == "fs_read" || sub == "fs_write" || sub == "fs_close")
            return store_handle_call(sub, request, asked);
        if (std::find(path_calls.begin(), path_calls.end(), sub) != path_calls.end())
            return store_path_call(sub, request.arguments, asked);
        respond(asked,
                Outcome::fail(Failure::bad_request,
                              sub.empty() ? std::string("rrext_store: Subcommand is required")
                                          : fmt::format("rrext_store: Unknown subcommand: {} "
                                                        "(fs_open, fs_read, fs_write, fs_close, "
                                                        "fs_stat, fs_list_dir, fs_mkdir, "
                                                        "fs_rmdir, fs_delete, fs_rename)",
                                                        sub)));
    } catch (const StoreError& e) {
        respond(asked, Outcome::fail(failure_of(e.kind()), e.what()));
    }
}

void WsSession::store_handle_call(const std::string& sub, DapRequest& request, const Asked& asked) {
    const Json& args = request.arguments;
    if (sub == "fs_open") {
        const std::string path = string_arg(args, sub, "path");
        const std::string mode = args.get_string("mode", "r");
        if (mode == "w")
            return respond(asked,
                           Outcome::success(Json(Json::Object{
                               {"handle", store_handles_.open_write(*store_namespace(), path)}})));
        if (mode != "r")
            throw argument_error(sub, "mode", fmt::format("\"r\" or \"w\" (got \"{}\")", mode));
        StoreHandles::Opened opened = store_handles_.open_read(*store_namespace(), path);
        return respond(
            asked,
            Outcome::success(Json(Json::Object{{"handle", opened.handle},
                                               {"size", static_cast<std::int64_t>(opened.size)}})));
    }
    const std::string handle = string_arg(args, sub, "handle");
    if (sub == "fs_read") {
        const auto max = static_cast<std::int64_t>(store_handles_.limits().max_read_bytes);
        const std::int64_t length = int_arg(args, sub, "length", max);
        std::string bytes = store_handles_.read(
            handle, static_cast<std::uint64_t>(int_arg(args, sub, "offset", 0)),
            static_cast<std::size_t>(length == 0 ? max : std::min(length, max)));
        const auto size = static_cast<std::int64_t>(bytes.size());
        return respond_bytes(asked, Json(Json::Object{{"size", size}}), std::move(bytes));
    }
    if (sub == "fs_write") {
        if (!request.has_data)
            throw StoreError(StoreError::Kind::bad_request,
                             "fs_write: needs data: send a binary frame (JSON header, a newline, "
                             "then the bytes)");
        const std::uint64_t written = store_handles_.write(handle, request.data);
        return respond(asked, Outcome::success(Json(Json::Object{
                                  {"bytesWritten", static_cast<std::int64_t>(written)}})));
    }
    store_handles_.close(handle);  // fs_close
    respond(asked, Outcome::success());
}

void WsSession::store_path_call(const std::string& sub, const Json& args, const Asked& asked) {
    run_blocking(ctx_, [self = shared_from_this(), asked, ns = store_namespace(), sub, args,
                        max = store_handles_.limits().max_list_entries] {
        try {
            self->respond(asked, Outcome::success(run_path_call(*ns, sub, args, max)));
        } catch (const StoreError& e) {
            self->respond(asked, Outcome::fail(failure_of(e.kind()), e.what()));
        } catch (...) {
            self->respond(asked, outcome_of(std::current_exception()));
        }
    });
}

void WsSession::respond_bytes(const Asked& asked, Json body, std::string bytes) {
    net::post(ws_.get_executor(),
              [self = shared_from_this(), asked, body = std::move(body), bytes = std::move(bytes)] {
                  std::string frame = response_text(self->next_seq_++, asked.seq, asked.command,
                                                    Outcome::success(body));
                  frame += '\n';  // the header never holds a raw newline: JSON escapes them
                  frame += bytes;
                  self->queue(std::move(frame), true);
              });
}

}  // namespace sluice::server
