// json_parse.cpp — Json::parse: simdjson on-demand walked into a Json, and syntax errors placed
// at the line, column and byte where the document actually goes wrong.
#include <algorithm>
#include <string>

#include <simdjson.h>

#include <fmt/format.h>

#include <sluice/errors.hpp>
#include <sluice/json.hpp>

#include <sluice/utf8.hpp>

namespace sluice {
namespace {

namespace od = simdjson::ondemand;

// Deeper documents are refused (no pipeline or protocol message comes near it).
constexpr int k_max_json_depth = 256;

// A syntax error found while walking: where, and simdjson's code for what.
struct SyntaxFault {
    std::size_t offset;
    simdjson::error_code code;
};

[[noreturn]] void throw_syntax_error(std::string_view text, SyntaxFault fault) {
    std::size_t offset = std::min(fault.offset, text.size());
    std::string_view before = text.substr(0, offset);
    std::size_t line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
    std::size_t line_start = before.rfind('\n');
    std::size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
    throw JsonError(fmt::format("JSON syntax error at line {}, column {} (byte {}): {}", line,
                                column, offset, simdjson::error_message(fault.code)),
                    offset, line, column);
}

std::string_view trim(std::string_view token) noexcept {
    return token.substr(0, token.find_last_not_of(" \t\n\r") + 1);
}

// Whether a raw token is a JSON integer: -?(0|[1-9][0-9]*), trailing whitespace allowed.
bool is_integer_token(std::string_view token) noexcept {
    token = trim(token);
    std::string_view digits = token.substr(!token.empty() && token[0] == '-' ? 1 : 0);
    if (digits.empty() || (digits[0] == '0' && digits.size() > 1)) return false;
    return std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Walks a whole on-demand document into a Json; the first error is thrown as a SyntaxFault.
class DocumentReader {
public:
    DocumentReader(std::string_view text, const simdjson::padded_string& padded, od::document& doc)
        : text_(text), padded_(padded), doc_(doc) {}

    Json read_document() {
        Json root = read(doc_);
        // current_location() answers OUT_OF_BOUNDS only once every token has been consumed.
        const char* rest = nullptr;
        if (!doc_.current_location().get(rest)) fail(simdjson::TRAILING_CONTENT);
        return root;
    }

private:
    [[noreturn]] void fail(simdjson::error_code code) {
        std::size_t offset = text_.size();  // the end of input, when simdjson cannot say where
        const char* location = nullptr;
        if (!doc_.current_location().get(location) && location >= padded_.data())
            offset = static_cast<std::size_t>(location - padded_.data());
        throw SyntaxFault{offset, code};
    }

    // simdjson calls a misspelt `true`/`false`/`null` a type mismatch; name the atom instead.
    [[noreturn]] void fail_atom(simdjson::error_code error) {
        if (error != simdjson::INCORRECT_TYPE) fail(error);
        const char* location = nullptr;
        char first = doc_.current_location().get(location) ? 'n' : *location;
        fail(first == 't'   ? simdjson::T_ATOM_ERROR
             : first == 'f' ? simdjson::F_ATOM_ERROR
                            : simdjson::N_ATOM_ERROR);
    }

    template <class T>
    T take(simdjson::simdjson_result<T>&& result) {
        T value{};
        if (simdjson::error_code error = std::move(result).get(value)) fail(error);
        return value;
    }

    static std::string_view raw_token(od::value& v) { return v.raw_json_token(); }
    static std::string_view raw_token(od::document& d) {
        std::string_view token;
        return d.raw_json_token().get(token) ? std::string_view() : token;
    }

    // V is od::document (the root) or od::value: both offer the same typed getters.
    template <class V>
    Json read(V& v) {
        bool flag = false;
        switch (take(v.type())) {
            case od::json_type::array: return read_array(take(v.get_array()));
            case od::json_type::object: return read_object(take(v.get_object()));
            case od::json_type::number: return read_number(v);
            case od::json_type::string: return Json(take(v.get_string()));
            case od::json_type::boolean:
                if (simdjson::error_code error = v.get_bool().get(flag)) fail_atom(error);
                return Json(flag);
            case od::json_type::null:
                if (simdjson::error_code error = v.is_null().get(flag)) fail_atom(error);
                // At the root, `null x` answers false rather than TRAILING_CONTENT.
                if (!flag)
                    fail_atom(trim(raw_token(v)) == "null" ? simdjson::TRAILING_CONTENT
                                                           : simdjson::INCORRECT_TYPE);
                return Json();
        }
        fail(simdjson::TAPE_ERROR);
    }

    template <class V>
    Json read_number(V& v) {
        od::number number;
        simdjson::error_code error = v.get_number().get(number);
        // simdjson 3.0 rejects integers beyond 64 bits; its double parser takes them.
        if (error == simdjson::NUMBER_ERROR && is_integer_token(raw_token(v)))
            return Json(take(v.get_double()));
        if (error) fail(error);
        switch (number.get_number_type()) {
            case od::number_type::signed_integer: return Json(number.get_int64());
            case od::number_type::unsigned_integer:  // >= 2^63: no int64 holds it
                return Json(static_cast<double>(number.get_uint64()));
            case od::number_type::floating_point_number: return Json(number.get_double());
        }
        return Json(number.as_double());
    }

    // Each level of nesting is a frame of this recursive reader (and of Json's destructor and
    // dump): without a bound, `[[[[...` from a client overflows the stack (seen: a crash at a
    // few thousand levels on a network thread).
    struct Nesting {
        explicit Nesting(DocumentReader& r) : reader(r) {
            if (++reader.depth_ > k_max_json_depth) reader.fail(simdjson::DEPTH_ERROR);
        }
        ~Nesting() { --reader.depth_; }
        DocumentReader& reader;
    };

    Json read_array(od::array array) {
        Nesting level(*this);
        Json::Array out;
        for (auto element : array) {
            od::value value = take(std::move(element));
            out.push_back(read(value));
        }
        return Json(std::move(out));
    }

    Json read_object(od::object object) {
        Nesting level(*this);
        Json::Object out;
        for (auto member : object) {
            od::field field = take(std::move(member));
            std::string key(take(field.unescaped_key()));
            out.emplace_back(std::move(key), read(field.value()));
        }
        return Json(std::move(out));
    }

    std::string_view text_;
    const simdjson::padded_string& padded_;
    od::document& doc_;
    int depth_ = 0;
};

Json parse_document(std::string_view text) {
    simdjson::padded_string padded(text);
    // One parser per thread: its buffers are reused instead of reallocated for every document.
    thread_local od::parser parser;
    od::document doc;
    if (simdjson::error_code error = parser.iterate(padded).get(doc)) {
        std::size_t offset = text.size();
        if (error == simdjson::UTF8_ERROR) offset = first_invalid_utf8(text);
        throw SyntaxFault{offset, error};
    }
    return DocumentReader(text, padded, doc).read_document();
}

std::size_t skip_whitespace(std::string_view text, std::size_t from) noexcept {
    std::size_t at = text.find_first_not_of(" \t\n\r", from);
    return at == std::string_view::npos ? text.size() : at;
}

// How the root container's brackets pair up, ignoring everything else.
struct BracketScan {
    std::size_t stop;  // just past the root's closer, or at a mismatched closer, or the end
    bool mismatch = false;
    std::string closers;  // what would close the containers still open at `stop`
};

BracketScan scan_brackets(std::string_view text, std::size_t root) {
    std::string open;
    bool in_string = false;
    for (std::size_t i = root; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            open.push_back(c == '[' ? ']' : '}');
        } else if (c == ']' || c == '}') {
            if (open.empty() || open.back() != c) return {i, true, {open.rbegin(), open.rend()}};
            open.pop_back();
            if (open.empty()) return {i + 1, false, {}};
        }
    }
    return {text.size(), false, {open.rbegin(), open.rend()}};
}

// simdjson checks a root container by its last byte before reading anything, so `{} x`,
// `[1,2` or `{]` all fail at byte 0. Find the first real fault instead: parse the part up to
// where the brackets go wrong (closed for the parse), and blame that spot if the part is fine.
SyntaxFault locate_root_fault(std::string_view text, SyntaxFault fault) {
    // A fault at the very end means the document stopped inside a container.
    if (fault.offset >= text.size() && fault.code == simdjson::TAPE_ERROR)
        return {text.size(), simdjson::INCOMPLETE_ARRAY_OR_OBJECT};
    std::size_t root = skip_whitespace(text, 0);
    bool container = root < text.size() && (text[root] == '[' || text[root] == '{');
    if (fault.offset != root) return fault;
    if (!container) {  // a root scalar with more after it: point past the scalar
        if (fault.code != simdjson::TRAILING_CONTENT) return fault;
        std::size_t end = text.find_first_of(" \t\n\r[]{},:\"", root);
        return {skip_whitespace(text, std::min(end, text.size())), fault.code};
    }
    if (fault.code != simdjson::INCOMPLETE_ARRAY_OR_OBJECT) return fault;
    BracketScan scan = scan_brackets(text, root);
    std::string part(text.substr(0, scan.stop));
    part += scan.closers;
    try {
        parse_document(part);
    } catch (const SyntaxFault& inner) {
        // A fault in the closers we added is the truncation itself, reported below.
        if (inner.offset < scan.stop) return inner;
    }
    if (scan.mismatch) return {scan.stop, simdjson::TAPE_ERROR};
    if (scan.stop < text.size())
        return {skip_whitespace(text, scan.stop), simdjson::TRAILING_CONTENT};
    return {text.size(), simdjson::INCOMPLETE_ARRAY_OR_OBJECT};
}

}  // namespace

Json Json::parse(std::string_view text) {
    try {
        return parse_document(text);
    } catch (const SyntaxFault& fault) {
        throw_syntax_error(text, locate_root_fault(text, fault));
    }
}

}  // namespace sluice
