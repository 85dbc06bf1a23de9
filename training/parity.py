"""Writes the ONNX-Runtime-against-PyTorch parity vectors of a saved model (its torch_state.pt and
model.json), as `train.py --parity` does right after training: the engine's tests check every
shipped model against them (test/engine/forecast/model.test.ts).

    /usr/bin/python3 training/parity.py resources/models/h4 test/engine/forecast/fixtures/parity-h4.json
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train import Encoder, FreshHead, PairHead, write_parity  # noqa: E402


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: parity.py MODEL_DIR OUT.json")
    model_dir, out = sys.argv[1], sys.argv[2]
    with open(os.path.join(model_dir, "model.json")) as f:
        manifest = json.load(f)
    state = torch.load(os.path.join(model_dir, "torch_state.pt"), weights_only=True)
    n_feat = int(state["n_features"])
    k = len(manifest["pair_history"])
    # mean and std are buffers of the saved state: placeholders here, overwritten by load_state_dict
    enc = Encoder(n_feat, [0.0] * n_feat, [1.0] * n_feat)
    head = PairHead(k)
    fresh = FreshHead(rank=manifest["fresh_head"]["rank"])
    for module, key in ((enc, "encoder"), (head, "pair_head"), (fresh, "fresh_head")):
        module.load_state_dict(state[key])
        module.eval()
    write_parity(enc, head, fresh, n_feat, k, out)
    print(f"parity: {model_dir} -> {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
