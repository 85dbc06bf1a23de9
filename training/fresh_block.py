"""The engine's model-independent fresh-pair block scorer (src/engine/forecast/fresh-block.ts embeds
its bytes as base64):
probability[B, N] = sigmoid(src_rows[B, W] @ dst_t[W, N]).

The contract (docs/model-contract.md) defines a fresh head's probabilities as sigmoid(src_vec_u .
dst_vec_v) over the vectors its graph returns once per week. Scoring the blocks of holders with
this graph on those vectors, instead of re-running the model's fresh_head graph per block,
avoids recomputing the per-node vectors of all N nodes for every block (BENCHMARKS.md).
Run: /usr/bin/python3 training/fresh_block.py [OUT.onnx]  (prints the base64 without OUT; the
bytes are deterministic, and test/engine/forecast/fresh-block.test.ts checks the embedded copy)."""
import base64
import sys

import onnx
from onnx import TensorProto, helper

OPSET = 17


def build():
    src = helper.make_tensor_value_info("src_rows", TensorProto.FLOAT, ["B", "W"])
    dst = helper.make_tensor_value_info("dst_t", TensorProto.FLOAT, ["W", "N"])
    out = helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["B", "N"])
    nodes = [
        helper.make_node("MatMul", ["src_rows", "dst_t"], ["logit"]),
        helper.make_node("Sigmoid", ["logit"], ["probability"]),
    ]
    graph = helper.make_graph(nodes, "fresh_block", [src, dst], [out])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="dexposure-workbench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    model = build()
    if len(sys.argv) > 1:
        onnx.save(model, sys.argv[1])
    else:
        print(base64.b64encode(model.SerializeToString()).decode())
