// mime.cpp — extension -> MIME type for `sluice run` inputs.
#include "mime.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace sluice::cli {

std::string mime_for_path(std::string_view path) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_types{{
        {".txt", "text/plain"},
        {".md", "text/markdown"},
        {".json", "application/json"},
        {".csv", "text/csv"},
        {".html", "text/html"},
        {".htm", "text/html"},
        {".text", "text/plain"},
    }};
    std::size_t slash = path.find_last_of('/');
    std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    std::size_t dot = base.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0) return "application/octet-stream";
    std::string ext(base.substr(dot));
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& [suffix, mime] : k_types)
        if (ext == suffix) return std::string(mime);
    return "application/octet-stream";
}

}  // namespace sluice::cli
