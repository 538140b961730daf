// "did you mean ...?" for unknown keywords: the closest candidate by edit distance (Damerau,
// so a swap of two neighbouring letters costs 1), offered only when it is reasonably close.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::conf {

// Edit distance with insertions, deletions, substitutions and adjacent transpositions.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when its distance is at most max(1, min(3, len/3)) of the
// longer of the two; the first one listed wins a tie.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace ferry::conf
