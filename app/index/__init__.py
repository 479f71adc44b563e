"""The index: embeddings (FAISS), lexical BM25, the passage store and a manifest."""
