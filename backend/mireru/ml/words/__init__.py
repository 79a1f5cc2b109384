"""Word vectors: tokenising project text, training word2vec (gensim), reading pretrained vector
files, and the phrase rule. Pure numpy/gensim: no database, web or queue imports."""
