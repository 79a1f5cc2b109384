"""Per-transaction (SET LOCAL) settings of pgvector index scans."""

from sqlalchemy.orm import Session

# pgvector 0.8: keep reading the index until enough rows pass the query's filter, in roughly
# (not strictly) distance order; the caller re-sorts what it gets.
ITERATIVE_SCAN = "relaxed_order"


def configure_scan(
    session: Session,
    ef_search: int | None = None,
    probes: int | None = None,
    max_scan_tuples: int | None = None,
    iterative: bool = False,
) -> None:
    """Set, for this transaction, the HNSW candidate list (`ef_search`: at least k, or fewer
    than k rows can come back), the IVFFlat lists probed, and iterative scans up to
    `max_scan_tuples` HNSW tuples. Settings left None keep the server's value."""
    wanted: list[tuple[str, str]] = []
    if ef_search is not None:
        wanted.append(("hnsw.ef_search", str(ef_search)))
    if iterative:
        wanted.append(("hnsw.iterative_scan", ITERATIVE_SCAN))
    if max_scan_tuples is not None:
        wanted.append(("hnsw.max_scan_tuples", str(max_scan_tuples)))
    if probes is not None:
        wanted.append(("ivfflat.probes", str(probes)))
    if iterative:
        wanted.append(("ivfflat.iterative_scan", ITERATIVE_SCAN))
    if not wanted:
        return
    # One round trip; the names are this module's constants, only the values are parameters.
    calls = ", ".join(f"set_config('{name}', %s, true)" for name, _ in wanted)
    session.connection().exec_driver_sql(f"SELECT {calls}", tuple(value for _, value in wanted))
