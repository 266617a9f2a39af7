// uuid.cpp — random identifiers from a per-thread generator seeded by the OS.
#include "uuid.hpp"

#include <cstdint>
#include <random>

namespace sluice::detail {
namespace {

std::mt19937_64& generator() {
    // One per thread: no lock on the send path. Seeded from std::random_device (the OS).
    thread_local std::mt19937_64 gen = [] {
        std::random_device rd;
        std::seed_seq seq{rd(), rd(), rd(), rd(), rd(), rd(), rd(), rd()};
        return std::mt19937_64(seq);
    }();
    return gen;
}

// Object ids: one per send, so a cheaper generator than mt19937_64 (which regenerates 312
// words at a time). SplitMix64 over a per-thread 64-bit state seeded from the OS: ids need to
// be unique and unpredictable enough for logs, not secret (tokens keep mt19937_64 above).
std::uint64_t next_id_bits() noexcept {
    thread_local std::uint64_t state = generator()();
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

constexpr char k_hex[] = "0123456789abcdef";

// Two hex digits per byte, from a table built at compile time.
struct HexPairs {
    char pairs[256][2];
    constexpr HexPairs() : pairs() {
        for (int i = 0; i < 256; ++i) {
            pairs[i][0] = k_hex[i >> 4];
            pairs[i][1] = k_hex[i & 0xf];
        }
    }
};
constexpr HexPairs k_hex_pairs;

// `bytes` bytes of `bits`, most significant first, as 2 * bytes hex digits.
void write_hex_bytes(char* out, std::uint64_t bits, int bytes) noexcept {
    for (int i = bytes - 1; i >= 0; --i, bits >>= 8) {
        out[2 * i] = k_hex_pairs.pairs[bits & 0xff][0];
        out[2 * i + 1] = k_hex_pairs.pairs[bits & 0xff][1];
    }
}

void write_hex(char* out, std::uint64_t bits, int digits) noexcept {
    for (int i = digits - 1; i >= 0; --i, bits >>= 4) out[i] = k_hex[bits & 0xf];
}

}  // namespace

UuidText make_uuid() noexcept {
    std::uint64_t hi = next_id_bits();
    std::uint64_t lo = next_id_bits();
    hi = (hi & ~0xf000ull) | 0x4000ull;                  // version 4
    lo = (lo & ~(0xcull << 60)) | (0x8ull << 60);        // variant 10xx
    UuidText t;
    write_hex_bytes(&t[0], hi >> 32, 4);
    t[8] = '-';
    write_hex_bytes(&t[9], (hi >> 16) & 0xffff, 2);
    t[13] = '-';
    write_hex_bytes(&t[14], hi & 0xffff, 2);
    t[18] = '-';
    write_hex_bytes(&t[19], lo >> 48, 2);
    t[23] = '-';
    write_hex_bytes(&t[24], lo & 0xffffffffffffull, 6);
    return t;
}

std::string make_uuid_string() {
    UuidText t = make_uuid();
    return std::string(t.data(), t.size());
}

std::string make_token() {
    std::string token = "tk_";
    token.resize(3 + 32);
    write_hex(&token[3], generator()(), 16);
    write_hex(&token[19], generator()(), 16);
    return token;
}

}  // namespace sluice::detail
