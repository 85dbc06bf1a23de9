"""The engine's model-independent fresh-pair graphs (src/engine/forecast/fresh-block.ts embeds their
bytes as base64), both on the per-node vectors a model's fresh_head returns once per week:

- fresh_block: probability[B, N] = sigmoid(src_rows[B, W] @ dst_t[W, N]);
- fresh_scan: the same block reduced in ONNX Runtime to what a forecast needs from it: row_sum[B]
  (every probability of each row summed) and the cells with lo <= probability < hi as kept_index
  int32 [K, 2] (row in the block, column) and kept_prob [K]. A forecast's JS then reads K cells
  instead of B * N (1.2e8 on a real-scale week).

The contract (docs/model-contract.md) defines a fresh head's probabilities as sigmoid(src_vec_u .
dst_vec_v). Scoring blocks of holders with these graphs, instead of re-running the model's
fresh_head graph per block, avoids recomputing all N nodes' vectors for every block.
Run: /usr/bin/python3 training/fresh_block.py [block|scan] [OUT.onnx]  (prints the base64 without
OUT; the bytes are deterministic, and test/engine/forecast/fresh-block.test.ts checks the embedded
copies)."""
import base64
import sys

import onnx
from onnx import TensorProto, helper

OPSET = 17


def inputs():
    return [helper.make_tensor_value_info("src_rows", TensorProto.FLOAT, ["B", "W"]),
            helper.make_tensor_value_info("dst_t", TensorProto.FLOAT, ["W", "N"])]


def probability_nodes():
    return [helper.make_node("MatMul", ["src_rows", "dst_t"], ["logit"]),
            helper.make_node("Sigmoid", ["logit"], ["probability"])]


def model_of(graph):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="dexposure-workbench")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def block():
    out = helper.make_tensor_value_info("probability", TensorProto.FLOAT, ["B", "N"])
    return model_of(helper.make_graph(probability_nodes(), "fresh_block", inputs(), [out]))


def scan():
    ins = inputs() + [helper.make_tensor_value_info("lo", TensorProto.FLOAT, []),
                      helper.make_tensor_value_info("hi", TensorProto.FLOAT, [])]
    axis = helper.make_tensor("axis", TensorProto.INT64, [1], [1])
    nodes = probability_nodes() + [
        helper.make_node("ReduceSum", ["probability", "axis"], ["row_sum"], keepdims=0),
        helper.make_node("Less", ["probability", "lo"], ["below"]),
        helper.make_node("Not", ["below"], ["at_least"]),
        helper.make_node("Less", ["probability", "hi"], ["under"]),
        helper.make_node("And", ["at_least", "under"], ["kept"]),
        helper.make_node("NonZero", ["kept"], ["where"]),
        helper.make_node("Transpose", ["where"], ["index64"], perm=[1, 0]),
        helper.make_node("GatherND", ["probability", "index64"], ["kept_prob"]),
        helper.make_node("Cast", ["index64"], ["kept_index"], to=TensorProto.INT32),
    ]
    outs = [helper.make_tensor_value_info("row_sum", TensorProto.FLOAT, ["B"]),
            helper.make_tensor_value_info("kept_index", TensorProto.INT32, ["K", 2]),
            helper.make_tensor_value_info("kept_prob", TensorProto.FLOAT, ["K"])]
    return model_of(helper.make_graph(nodes, "fresh_scan", ins, outs, initializer=[axis]))


if __name__ == "__main__":
    which = sys.argv[1] if len(sys.argv) > 1 else "block"
    model = {"block": block, "scan": scan}[which]()
    if len(sys.argv) > 2:
        onnx.save(model, sys.argv[2])
    else:
        print(base64.b64encode(model.SerializeToString()).decode())
