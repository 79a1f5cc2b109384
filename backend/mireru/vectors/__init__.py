"""pgvector plumbing shared by every table that holds the vectors of many owners (embedding spaces
in `embeddings`, word models in `words`).

Such a table's vector column has no declared dimension, so each owner gets its own partial
expression index, `((vector::vector(512)) vector_cosine_ops) WHERE space_id = 7`, which a query
uses only when it compares the same cast expression under the same literal predicate.

- `ddl`: index names, CREATE/DROP INDEX, index builds, listing the indexes of a table;
- `copy`: binary COPY of vectors;
- `settings`: per-transaction index scan settings;
- `sweep`: dropping the indexes of deleted owners.

Nothing here knows a domain: callers pass the table, owner column, dimension, metric and index.
"""
