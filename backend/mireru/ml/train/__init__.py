"""The one training loop every model kind shares: epochs, optimizer, LR schedule, mixed precision,
checkpoint/resume, early stopping and callbacks. It knows nothing of RQ or SQL: whoever runs it
passes a `Callback` to hear about progress and a `CheckpointStore` to keep checkpoints."""
