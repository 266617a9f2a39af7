// deployments.hpp — deployment records (RocketRide's DeploymentRecord: one per project) and
// their persistence: one JSON file per record under a directory of the data root, each write
// atomic (temporary file, fsync, rename), all of them read back at start. A file that is not a
// valid record is skipped with a log line, never fatal. No network types here.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>

namespace sluice::server {

// What a deployment is: its pipeline, when it is restarted, and who made it when.
struct Deployment {
    std::string project_id;  // the id: RocketRide keeps one deployment per project
    std::string name;
    Json pipeline;
    std::string schedule = "manual";  // "manual", an @-preset or a cron line (cron.hpp)
    std::string state = "active";     // "active" (kept running) or "paused"
    std::string created_by;           // the API key's name as the server knows it (key-1, ...)
    double created_at = 0, updated_at = 0;  // Unix seconds
};

// The record as the clients read it (RocketRide's DeploymentRecord.model_dump(), plus
// `deployment_id`, the Python SDK's name for the same id).
Json to_json(const Deployment& d);
// Throws UsageError naming `origin` and the bad key.
Deployment deployment_from_json(const Json& json, std::string_view origin);

class DeploymentNotFound : public Error {
public:
    using Error::Error;
};
class DeploymentExists : public Error {
public:
    using Error::Error;
};

class DeploymentStore {
public:
    using Log = std::function<void(const std::string&)>;
    static constexpr std::size_t k_max_id = 128;
    static constexpr std::size_t k_max_deployments = 1000;        // each is a live task
    static constexpr std::size_t k_max_record_bytes = 16u << 20;  // a file longer is skipped

    // Nothing is read or created until load() / the first write.
    DeploymentStore(std::filesystem::path dir, Log log);

    // Reads every *.json file of the directory (creating it if absent). Returns how many
    // records were loaded; each file skipped gets one line to the log naming it and why.
    std::size_t load();

    // The id becomes a file name: letters, digits, '.', '_', '-', at most k_max_id, not
    // starting with '.'. Throws UsageError "pipeline.project_id ...".
    static void check_id(std::string_view id);

    // Each throws DeploymentExists / DeploymentNotFound (RocketRide's texts), LimitExceeded
    // past k_max_deployments, or the filesystem error of the write (then nothing changed).
    void add(const Deployment& d);
    Deployment get(std::string_view id) const;
    std::optional<Deployment> find(std::string_view id) const;
    std::vector<Deployment> list() const;  // by id
    // Applies `change` to a copy, writes it, then keeps it; returns it.
    Deployment update(std::string_view id, const std::function<void(Deployment&)>& change);
    void remove(std::string_view id);
    std::size_t size() const;

    const std::filesystem::path& dir() const noexcept { return dir_; }

private:
    std::filesystem::path file_of(std::string_view id) const;
    void write(const Deployment& d) const;  // caller holds mutex_

    std::filesystem::path dir_;
    Log log_;
    mutable std::mutex mutex_;  // records_ and the files: one writer at a time
    std::map<std::string, Deployment, std::less<>> records_;
};

}  // namespace sluice::server
