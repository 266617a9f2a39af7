// deploy_commands.hpp — the rrext_deploy_* commands: arguments in, Outcome out. They write
// records to disk: run them off the network threads.
#pragma once

#include <string>
#include <string_view>

#include <sluice/json.hpp>

#include "deploy_scheduler.hpp"
#include "outcome.hpp"

namespace sluice::server {

// `command` is one of rrext_deploy_add, _list, _status, _update, _remove; `key_id` names the
// caller's API key (ApiKeys::key_id), recorded as the creator of what it adds.
Outcome deploy_command(DeployScheduler& scheduler, std::string_view command, const Json& arguments,
                       const std::string& key_id);

}  // namespace sluice::server
