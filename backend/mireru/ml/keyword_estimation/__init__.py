"""The `keywords` model kind: an image backbone whose head outputs n vectors in the word-vector space.

Training pairs each image's keyword vectors with its nearest outputs (greedy by sorted distance,
or the optimal assignment) and pulls each pair together, while the outputs left over are pushed to
the zero vector. At inference an output whose norm is above a threshold (chosen on validation
data) stands for one keyword: its nearest words are the suggestions, so the number of keywords
varies per image and words never used as a label can still be suggested. `baseline.py` holds the
multi-label classifier (binary cross-entropy over the vocabulary) it is compared against.
"""
