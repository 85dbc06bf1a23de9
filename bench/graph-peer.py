# Peer for bench/graph.mjs: networkx spring_layout (Debian python3-networkx) on the same union
# graph, from the same starting positions, for the same iterations as ForceAtlas2 ran.
# Usage: python3 bench/graph-peer.py DIR ITERATIONS  (DIR holds union-edges.txt, union-pos.txt)
import inspect
import json
import sys
import time

import networkx as nx
import numpy as np

folder, iterations = sys.argv[1], int(sys.argv[2])
edges = np.loadtxt(f"{folder}/union-edges.txt", dtype=np.float64, ndmin=2)
start = np.loadtxt(f"{folder}/union-pos.txt", dtype=np.float64, ndmin=2)
t = time.perf_counter()
G = nx.Graph()
G.add_nodes_from(range(len(start)))
G.add_weighted_edges_from((int(a), int(b), w) for a, b, w in edges)
build = time.perf_counter() - t
pos = {i: start[i] for i in range(len(start))}
t = time.perf_counter()
# the default method: from 500 nodes on, networkx < 3.5 runs its sparse Fruchterman-Reingold (one
# numpy pass per node per iteration), networkx >= 3.5 an L-BFGS "energy" minimisation
method = (
    "energy (L-BFGS)"
    if "method" in inspect.signature(nx.spring_layout).parameters
    else "sparse Fruchterman-Reingold"
)
nx.spring_layout(G, pos=pos, iterations=iterations, weight="weight", seed=1)
ms = (time.perf_counter() - t) * 1000
print(
    json.dumps(
        {
            "ms": ms,
            "build_ms": build * 1000,
            "nodes": G.number_of_nodes(),
            "edges": G.number_of_edges(),
            "iterations": iterations,
            "networkx": nx.__version__,
            "method": method,
            "numpy": np.__version__,
        }
    )
)
