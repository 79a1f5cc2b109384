"""Online batch-hard mining (Hermans et al., "In Defense of the Triplet Loss", 2017): inside one
batch, each anchor's least similar positive and most similar negative form its triplet."""

import torch


def batch_hard_triplets(
    embeddings: torch.Tensor, targets: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Index triplets into the batch for every anchor that has a positive and a negative in it.
    `embeddings` are L2-normalised, so the inner product ranks like the cosine similarity."""
    with torch.no_grad():
        sims = embeddings.float() @ embeddings.float().T
        same = targets[:, None] == targets[None, :]
        eye = torch.eye(len(targets), dtype=torch.bool, device=targets.device)
        positive = same & ~eye
        negative = ~same
        hardest_pos = sims.masked_fill(~positive, float("inf")).argmin(dim=1)
        hardest_neg = sims.masked_fill(~negative, float("-inf")).argmax(dim=1)
        anchors = (positive.any(dim=1) & negative.any(dim=1)).nonzero().squeeze(1)
    return anchors, hardest_pos[anchors], hardest_neg[anchors]
