// sluice/version.hpp — library version.
#pragma once

#define SLUICE_VERSION_MAJOR 0
#define SLUICE_VERSION_MINOR 1
#define SLUICE_VERSION_PATCH 0

namespace sluice {
inline constexpr const char* k_version = "0.1.0";
}
