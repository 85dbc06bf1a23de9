# Peer for bench/export.mjs: networkx (Debian python3-networkx) writing the same week as GEXF and
# GraphML — the graph built from the archive first (untimed), then write_gexf / write_graphml timed.
# Usage: python3 bench/export-peer.py ARCHIVE WEEK OUTDIR RUNS   → JSON on stdout
import json
import sqlite3
import statistics
import sys
import time

import networkx as nx

archive, week, outdir, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
db = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
G = nx.DiGraph()
for node_id, size, name, category, sector in db.execute(
    """SELECT n.node_id, n.size, p.name, coalesce(p.category, 'Unknown'), coalesce(p.sector, 'Unknown')
       FROM nodes n LEFT JOIN protocols p ON p.id = n.node_id WHERE n.week = ? ORDER BY n.idx""",
    (week,),
):
    G.add_node(
        node_id,
        label=name or node_id,
        tvl=size,
        category=category,
        sector=sector,
        kind="protocol" if name is not None else "token",
    )
for s, t, w in db.execute("SELECT source, target, weight FROM edges WHERE week = ?", (week,)):
    G.add_edge(s, t, weight=w)


def timed(write, path):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        write(G, path)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


print(
    json.dumps(
        {
            "networkx": nx.__version__,
            "python": sys.version.split()[0],
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "gexfMs": timed(nx.write_gexf, f"{outdir}/peer.gexf"),
            "graphmlMs": timed(nx.write_graphml, f"{outdir}/peer.graphml"),
        }
    )
)
