// "did you mean ...?" for unknown keywords and commands: the closest candidate by edit distance
// (Damerau, so a swap of two neighbouring letters costs 1), offered only when it is reasonably
// close, and a letter-pair similarity for ranking several. Both are computed only for words of at
// most kMaxSuggestedLength bytes: a suggestion never costs more than a small, fixed amount of work,
// however long the text typed (an admin command line, a config token).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::conf {

// Longer words get no suggestion (nothing that long is a misspelt keyword).
inline constexpr size_t kMaxSuggestedLength = 64;

// Edit distance with insertions, deletions, substitutions and adjacent transpositions.
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when its distance is at most max(1, min(3, len/3)) of the
// longer of the two; the first one listed wins a tie. Nothing for a word (or candidate) longer
// than kMaxSuggestedLength.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string_view>& candidates);

// "; did you mean 'x'?" or "" when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

// How alike two texts are by their shared letter pairs (Dice coefficient), 0..1; 0 when either
// is longer than kMaxSuggestedLength.
double pair_similarity(std::string_view a, std::string_view b);

}  // namespace ferry::conf
