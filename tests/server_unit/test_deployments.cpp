// Deployment records: added, listed, updated, removed, read back by a new store (a restart),
// and the files a store refuses to load, each skipped with a line naming it.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>

#include <sluice/errors.hpp>

#include "deployments.hpp"

using namespace sluice;
using namespace sluice::server;
namespace fs = std::filesystem;

namespace {

struct TempDir {
    fs::path path;
    TempDir() {
        static int counter = 0;
        path =
            fs::temp_directory_path() / ("sluice-test-deployments-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter++));
        fs::remove_all(path);
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path, ignored);
    }
};

Deployment record(std::string id, std::string schedule = "manual") {
    Deployment d;
    d.project_id = std::move(id);
    d.name = "nightly";
    d.pipeline =
        Json(Json::Object{{"project_id", d.project_id}, {"components", Json(Json::Array{})}});
    d.schedule = std::move(schedule);
    d.created_by = "key-1";
    d.created_at = 1700000000.5;
    d.updated_at = 1700000000.5;
    return d;
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "no exception";
}

}  // namespace

TEST_SUITE("server") {
    TEST_CASE("a deployment added is listed, updated, removed, and read back by a new store") {
        TempDir dir;
        std::vector<std::string> log;
        auto logger = [&](const std::string& line) { log.push_back(line); };
        {
            DeploymentStore store(dir.path, logger);
            CHECK(store.load() == 0);
            store.add(record("b-project", "@daily"));
            store.add(record("a-project"));
            std::vector<Deployment> all = store.list();
            REQUIRE(all.size() == 2);
            CHECK(all[0].project_id == "a-project");  // by id
            CHECK(all[1].schedule == "@daily");
            Deployment changed =
                store.update("a-project", [](Deployment& d) { d.schedule = "*/5 * * * *"; });
            CHECK(changed.schedule == "*/5 * * * *");
            store.remove("b-project");
            CHECK(store.size() == 1);
            CHECK_FALSE(fs::exists(dir.path / "b-project.json"));
        }
        DeploymentStore again(dir.path, logger);
        CHECK(again.load() == 1);
        Deployment d = again.get("a-project");
        CHECK(d.schedule == "*/5 * * * *");
        CHECK(d.name == "nightly");
        CHECK(d.created_by == "key-1");
        CHECK(d.created_at == 1700000000.5);
        CHECK(d.pipeline == record("a-project").pipeline);
        CHECK(log.empty());
    }

    TEST_CASE("duplicates, unknown ids and bad project ids are refused with their messages") {
        TempDir dir;
        DeploymentStore store(dir.path, [](const std::string&) {});
        store.load();
        store.add(record("p1"));
        CHECK(message_of([&] { store.add(record("p1")); }) == "Deployment already exists: p1");
        CHECK_THROWS_AS(store.add(record("p1")), DeploymentExists);
        const std::string not_found =
            "Deployment not found: nope (rrext_deploy_list lists the deployments)";
        CHECK(message_of([&] { store.get("nope"); }) == not_found);
        CHECK(message_of([&] { store.remove("nope"); }) == not_found);
        CHECK(message_of([&] { store.update("nope", [](Deployment&) {}); }) == not_found);
        CHECK_THROWS_AS(store.get("nope"), DeploymentNotFound);
        CHECK(message_of([&] { store.add(record("")); }) == "pipeline.project_id is required");
        for (const char* bad : {"../etc", "a/b", ".hidden", "sp ace", "x\n"}) {
            INFO(bad);
            CHECK(message_of([&] { store.add(record(bad)); }) ==
                  "pipeline.project_id \"" + std::string(bad) +
                      "\" cannot name a deployment: use letters, digits, '.', '_' and '-' only (at "
                      "most 128, not starting with '.'), e.g. a UUID");
        }
        CHECK(message_of([&] { store.add(record(std::string(129, 'a'))); }).find("at most 128") !=
              std::string::npos);
        CHECK(store.size() == 1);
    }

    TEST_CASE("a record is written whole: no temporary file is left beside it") {
        TempDir dir;
        DeploymentStore store(dir.path, [](const std::string&) {});
        store.load();
        store.add(record("p1"));
        store.update("p1", [](Deployment& d) { d.state = "paused"; });
        std::vector<std::string> names;
        for (const auto& entry : fs::directory_iterator(dir.path))
            names.push_back(entry.path().filename().string());
        CHECK(names == std::vector<std::string>{"p1.json"});
        Json written = Json::parse([&] {
            std::ifstream in(dir.path / "p1.json");
            return std::string(std::istreambuf_iterator<char>(in), {});
        }());
        CHECK(written.get_string("state") == "paused");
        CHECK(written.get_string("deployment_id") == "p1");
    }

    TEST_CASE("a corrupt or foreign record file is skipped with a line naming it, never fatal") {
        TempDir dir;
        fs::create_directories(dir.path);
        {
            DeploymentStore writer(dir.path, [](const std::string&) {});
            writer.load();
            writer.add(record("good"));
        }
        write_file(dir.path / "broken.json", "{\"project_id\": ");
        write_file(dir.path / "renamed.json", to_json(record("other")).dump());
        Json bad_schedule = to_json(record("cron"));
        bad_schedule.set("schedule", "every day");
        write_file(dir.path / "cron.json", bad_schedule.dump());
        Json no_pipeline = to_json(record("nopipe"));
        no_pipeline.set("pipeline", "text");
        write_file(dir.path / "nopipe.json", no_pipeline.dump());
        write_file(dir.path / ".good.json.tmp-1-0", "{");  // a crash mid-write
        write_file(dir.path / "notes.txt", "not a record");

        std::vector<std::string> log;
        DeploymentStore store(dir.path, [&](const std::string& line) { log.push_back(line); });
        CHECK(store.load() == 1);
        CHECK(store.find("good"));
        REQUIRE(log.size() == 4);
        std::sort(log.begin(), log.end());
        const std::string prefix = "sluice serve: skipped deployment record " + dir.path.string();
        CHECK(log[0].starts_with(prefix + "/broken.json: "));
        CHECK(log[1] == prefix +
                            "/cron.json: Invalid schedule 'every day'. Expected \"manual\", a "
                            "cron preset (@hourly etc.), or a 5-field cron expression (5 fields "
                            "expected (minute hour day-of-month month day-of-week), got 2) (fix "
                            "or remove the file, then restart)");
        CHECK(log[2] == prefix + "/nopipe.json: " + dir.path.string() +
                            "/nopipe.json: \"pipeline\" must be an object (fix or remove the file, "
                            "then restart)");
        CHECK(log[3] == prefix +
                            "/renamed.json: its project_id \"other\" differs from its name (fix "
                            "or remove the file, then restart)");
        CHECK_FALSE(fs::exists(dir.path / ".good.json.tmp-1-0"));
    }

    TEST_CASE("the record as clients read it has RocketRide's keys") {
        Json j = to_json(record("p1", "@hourly"));
        for (const char* key : {"deployment_id", "project_id", "name", "pipeline", "schedule",
                                "state", "created_by", "created_at", "updated_at"}) {
            INFO(key);
            CHECK(j.find(key) != nullptr);
        }
        CHECK(j.get_string("state") == "active");
        CHECK(j.get_string("schedule") == "@hourly");
        Deployment back = deployment_from_json(j, "test");
        CHECK(back.project_id == "p1");
        CHECK(back.updated_at == 1700000000.5);
    }

}  // TEST_SUITE
