// sluice/sluice.hpp — the whole public API.
#pragma once

#include <sluice/engine.hpp>
#include <sluice/errors.hpp>
#include <sluice/item.hpp>
#include <sluice/json.hpp>
#include <sluice/lane.hpp>
#include <sluice/node.hpp>
#include <sluice/pipeline.hpp>
#include <sluice/result.hpp>
#include <sluice/status.hpp>
#include <sluice/utf8.hpp>
#include <sluice/version.hpp>
