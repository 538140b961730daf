#include "conf/did_you_mean.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

namespace ferry::conf {
namespace {

TEST_CASE("did you mean: edit distance counts a swap as one edit") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("balanse", "balance") == 1);
  CHECK(edit_distance("wieght", "weight") == 1);
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("ca", "abc") == 3);  // no substring is edited twice
  CHECK(edit_distance("abcdef", "badcfe") == 3);
  CHECK(edit_distance("", "abc") == 3);
}

TEST_CASE("did you mean: only reasonably close candidates are offered") {
  const std::vector<std::string_view> kw{"balance", "bind", "backlog", "weight", "maxconn"};
  CHECK(closest_match("balanse", kw) == "balance");
  CHECK(closest_match("wieght", kw) == "weight");
  CHECK(closest_match("bnid", kw) == "bind");
  CHECK(closest_match("maxcon", kw) == "maxconn");
  CHECK_FALSE(closest_match("frobnicate", kw));
  CHECK_FALSE(closest_match("xyz", kw));
  CHECK(did_you_mean("balanse", kw) == "; did you mean 'balance'?");
  CHECK(did_you_mean("zzz", kw).empty());
}

TEST_CASE("did you mean: a long unknown word is rejected at once, not compared letter by letter") {
  // `ferry -c` on a config with a 100 KB unknown word took 3 s (an n x m table per keyword);
  // 10 MB of them would have taken minutes and gigabytes.
  const std::string word(10 << 20, 'x');
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 100; ++i)
    CHECK_FALSE(closest_match(word, {"balance", "bind", "backlog", "weight", "maxconn"}));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("did you mean: the first candidate wins a tie") {
  CHECK(closest_match("ab", {"ac", "ad"}) == "ac");
}

TEST_CASE("did you mean: words too long to be a misspelling get no suggestion, at no cost") {
  const std::string longest(kMaxSuggestedLength, 'b');
  CHECK(closest_match(longest + "x", {std::string_view(longest)}) == std::nullopt);
  CHECK(closest_match(longest.substr(1) + "x", {std::string_view(longest)}) == longest);
  CHECK(pair_similarity(std::string(1 << 20, 'x'), "show info") == 0.0);
  CHECK(pair_similarity("show info", "show info") == 1.0);
  CHECK(pair_similarity("shwo stat", "show stat") > pair_similarity("shwo stat", "get weight"));
  CHECK(pair_similarity("aaaa", "aa") == doctest::Approx(0.5));  // each pair counted once
}

}  // namespace
}  // namespace ferry::conf
