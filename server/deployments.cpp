// deployments.cpp — records to and from JSON, and the directory that keeps them.
#include "deployments.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cron.hpp"

namespace sluice::server {
namespace {

namespace fs = std::filesystem;

const Json& member(const Json& json, std::string_view key, Json::Type type, std::string_view what,
                   std::string_view origin) {
    const Json* v = json.find(key);
    const bool ok = v && (v->type() == type || (type == Json::Type::number && v->is_number()));
    if (!ok) throw UsageError(fmt::format("{}: \"{}\" must be {}", origin, key, what));
    return *v;
}

[[noreturn]] void fail_io(std::string_view what, const fs::path& path, int error) {
    throw std::system_error(error, std::generic_category(),
                            fmt::format("deployment record {}: {}", path.string(), what));
}

// Writes `text` to `path` so a reader sees the old file or the whole new one, never a part:
// a temporary file beside it, flushed to disk, renamed over it, and the directory flushed.
void write_atomically(const fs::path& path, const std::string& text) {
    static std::atomic<unsigned> counter{0};  // unique temporary names; relaxed: only unique
    const fs::path temp =
        path.parent_path() / fmt::format(".{}.tmp-{}-{}", path.filename().string(), ::getpid(),
                                         counter.fetch_add(1, std::memory_order_relaxed));
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail_io("cannot create a temporary file", temp, errno);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : EIO;
            ::close(fd);
            ::unlink(temp.c_str());
            fail_io("cannot write", temp, error);
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail_io("cannot flush to disk", temp, error);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail_io("cannot rename into place", path, error);
    }
    if (const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        dir >= 0) {
        ::fsync(dir);  // best effort: the rename is durable once its directory is
        ::close(dir);
    }
}

// The file's text, or nullopt with `why` set.
std::optional<std::string> read_small_file(const fs::path& path, std::string& why) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) {
        why = ec.message();
        return std::nullopt;
    }
    if (size > DeploymentStore::k_max_record_bytes) {
        why = fmt::format("{} bytes, over the {}-byte limit of a record", size,
                          DeploymentStore::k_max_record_bytes);
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in) {
        why = "cannot be read";
        return std::nullopt;
    }
    return std::move(text).str();
}

}  // namespace

Json to_json(const Deployment& d) {
    return Json(Json::Object{{"deployment_id", d.project_id},
                             {"project_id", d.project_id},
                             {"name", d.name},
                             {"pipeline", d.pipeline},
                             {"schedule", d.schedule},
                             {"state", d.state},
                             {"created_by", d.created_by},
                             {"created_at", d.created_at},
                             {"updated_at", d.updated_at}});
}

Deployment deployment_from_json(const Json& json, std::string_view origin) {
    if (!json.is_object()) throw UsageError(fmt::format("{}: not a JSON object", origin));
    Deployment d;
    d.project_id = member(json, "project_id", Json::Type::string, "a string", origin).as_string();
    DeploymentStore::check_id(d.project_id);
    d.pipeline = member(json, "pipeline", Json::Type::object, "an object", origin);
    d.schedule = member(json, "schedule", Json::Type::string, "a string", origin).as_string();
    Schedule::parse(d.schedule);  // throws naming the schedule
    d.state = member(json, "state", Json::Type::string, "a string", origin).as_string();
    if (d.state != "active" && d.state != "paused")
        throw UsageError(fmt::format("{}: \"state\" must be \"active\" or \"paused\", got \"{}\"",
                                     origin, d.state));
    d.name = json.get_string("name");
    d.created_by = json.get_string("created_by");
    d.created_at = member(json, "created_at", Json::Type::number, "a number", origin).as_double();
    d.updated_at = member(json, "updated_at", Json::Type::number, "a number", origin).as_double();
    return d;
}

DeploymentStore::DeploymentStore(fs::path dir, Log log)
    : dir_(std::move(dir)), log_(std::move(log)) {}

void DeploymentStore::check_id(std::string_view id) {
    const bool ok =
        !id.empty() && id.size() <= k_max_id && id.front() != '.' &&
        std::all_of(id.begin(), id.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
        });
    if (id.empty()) throw UsageError("pipeline.project_id is required");
    if (!ok)
        throw UsageError(fmt::format(
            "pipeline.project_id \"{}\" cannot name a deployment: use letters, digits, '.', '_' "
            "and '-' only (at most {}, not starting with '.'), e.g. a UUID",
            id.substr(0, k_max_id), k_max_id));
}

fs::path DeploymentStore::file_of(std::string_view id) const {
    return dir_ / fmt::format("{}.json", id);
}

std::size_t DeploymentStore::load() {
    std::lock_guard lock(mutex_);
    fs::create_directories(dir_);
    std::size_t loaded = 0;
    for (const fs::directory_entry& entry : fs::directory_iterator(dir_)) {
        const fs::path& path = entry.path();
        const std::string file = path.filename().string();
        if (file.starts_with(".")) {  // a temporary file left by a crash mid-write
            std::error_code ignored;
            if (file.find(".tmp-") != std::string::npos) fs::remove(path, ignored);
            continue;
        }
        if (path.extension() != ".json") continue;
        std::string why;
        try {
            std::optional<std::string> text = read_small_file(path, why);
            if (text) {
                Deployment d = deployment_from_json(Json::parse(*text), path.string());
                if (path.stem().string() != d.project_id)
                    throw UsageError(
                        fmt::format("its project_id \"{}\" differs from its name", d.project_id));
                records_[d.project_id] = std::move(d);
                ++loaded;
                continue;
            }
        } catch (const std::exception& e) {
            why = e.what();
        }
        log_(
            fmt::format("sluice serve: skipped deployment record {}: {} (fix or remove the "
                        "file, then restart)",
                        path.string(), why));
    }
    return loaded;
}

void DeploymentStore::write(const Deployment& d) const {
    fs::create_directories(dir_);
    write_atomically(file_of(d.project_id), to_json(d).dump());
}

void DeploymentStore::add(const Deployment& d) {
    check_id(d.project_id);
    std::lock_guard lock(mutex_);
    if (records_.contains(d.project_id))
        throw DeploymentExists(fmt::format("Deployment already exists: {}", d.project_id));
    if (records_.size() >= k_max_deployments)
        throw LimitExceeded(
            fmt::format("the server holds {} deployments, its limit: remove one "
                        "first (rrext_deploy_remove)",
                        k_max_deployments));
    write(d);
    records_.emplace(d.project_id, d);
}

std::optional<Deployment> DeploymentStore::find(std::string_view id) const {
    std::lock_guard lock(mutex_);
    auto it = records_.find(id);
    if (it == records_.end()) return std::nullopt;
    return it->second;
}

Deployment DeploymentStore::get(std::string_view id) const {
    std::optional<Deployment> d = find(id);
    if (!d)
        throw DeploymentNotFound(
            fmt::format("Deployment not found: {} (rrext_deploy_list lists the deployments)", id));
    return std::move(*d);
}

std::vector<Deployment> DeploymentStore::list() const {
    std::lock_guard lock(mutex_);
    std::vector<Deployment> out;
    out.reserve(records_.size());
    for (const auto& [id, d] : records_) out.push_back(d);
    return out;
}

Deployment DeploymentStore::update(std::string_view id,
                                   const std::function<void(Deployment&)>& change) {
    std::lock_guard lock(mutex_);
    auto it = records_.find(id);
    if (it == records_.end())
        throw DeploymentNotFound(
            fmt::format("Deployment not found: {} (rrext_deploy_list lists the deployments)", id));
    Deployment next = it->second;
    change(next);
    next.project_id = it->first;  // the id never changes
    write(next);
    it->second = next;
    return next;
}

void DeploymentStore::remove(std::string_view id) {
    std::lock_guard lock(mutex_);
    auto it = records_.find(id);
    if (it == records_.end())
        throw DeploymentNotFound(
            fmt::format("Deployment not found: {} (rrext_deploy_list lists the deployments)", id));
    std::error_code ec;
    fs::remove(file_of(id), ec);
    if (ec) fail_io("cannot be removed", file_of(id), ec.value());
    records_.erase(it);
}

std::size_t DeploymentStore::size() const {
    std::lock_guard lock(mutex_);
    return records_.size();
}

}  // namespace sluice::server
